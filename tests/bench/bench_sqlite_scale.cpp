// SQLite at scale, each figure against a reference measured in the same run:
//
// (a) 1,000 tables x 12 columns with foreign keys: a fresh DatabaseSession's
//     introspection, then every table projected to its semantic-source YAML
//     (StructuralSource::yaml with the declared joins, as structural ingest
//     does). Reference: the least any introspection must do, a bare
//     QSqlDatabase listing sqlite_master and reading each table's
//     pragma_table_info through one prepared statement.
// (b) a 1,000,000-row table of 8 mixed columns: ColumnProfiler::profile with the
//     default 10,000-row sample and a 5 s budget. Reference: the floor of any
//     sample-based profile, `SELECT * FROM orders LIMIT 10000` fetched fully
//     through DatabaseSession::query.
//
// Every sample opens its own connection (sessions are per job), and the
// candidates and the reference alternate within each round.
#include "benchfigures.h"
#include "db/databasesession.h"
#include "db/queryresult.h"
#include "db/schemasnapshot.h"
#include "ingest/structuralingest.h"
#include "ingest/structuralsource.h"
#include "scan/columnprofiler.h"

#include <QCoreApplication>
#include <QHash>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace ktx;
using namespace ktx::bench;

namespace {

constexpr int kTables = 1000;
constexpr int kColumns = 12;
constexpr int kRows = 1000000;
constexpr int kBudgetMs = 5000;

[[noreturn]] void fail(const QString &message)
{
    std::fprintf(stderr, "bench_sqlite_scale: %s\n", qPrintable(message));
    std::exit(1);
}

QString tableName(int i)
{
    return QStringLiteral("t%1").arg(i, 4, 10, QLatin1Char('0'));
}

// Table i references t(i-1); every third table also references t(i/3).
bool hasSecondParent(int i)
{
    return i > 3 && i % 3 == 0;
}

// Writes through a plain writable connection (sessions are read-only).
void build(const QString &path, const QStringList &statements)
{
    const QString name = QStringLiteral("bench-build");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (!db.open())
            fail(db.lastError().text());
        QSqlQuery query(db);
        for (const QString &statement : statements) {
            if (!query.exec(statement))
                fail(statement.left(200) + QStringLiteral("\n  failed: ")
                     + query.lastError().text());
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

int createWideSchema(const QString &path)
{
    static const char *const types[]
        = {"TEXT",      "VARCHAR(40)", "REAL", "NUMERIC(10,2)", "DATE",
           "TIMESTAMP", "BOOLEAN",     "BLOB", "INTEGER",       "DATETIME"};
    constexpr int typeCount = int(sizeof(types) / sizeof(types[0]));
    int foreignKeys = 0;
    QStringList statements {QStringLiteral("PRAGMA journal_mode = OFF"),
                            QStringLiteral("PRAGMA synchronous = OFF"), QStringLiteral("BEGIN")};
    for (int i = 1; i <= kTables; ++i) {
        QStringList columns {QStringLiteral("id INTEGER PRIMARY KEY")};
        if (i > 1)
            columns << QStringLiteral("parent_id INTEGER REFERENCES %1(id)").arg(tableName(i - 1));
        if (hasSecondParent(i))
            columns << QStringLiteral("other_id INTEGER REFERENCES %1(id)").arg(tableName(i / 3));
        foreignKeys += int(columns.size()) - 1;
        for (int c = int(columns.size()); c < kColumns; ++c)
            columns << QStringLiteral("c%1 %2%3")
                           .arg(c, 2, 10, QLatin1Char('0'))
                           .arg(QString::fromLatin1(types[(i + c) % typeCount]))
                           .arg(c % 4 == 0 ? QStringLiteral(" NOT NULL") : QString());
        statements << QStringLiteral("CREATE TABLE %1 (%2)")
                          .arg(tableName(i), columns.join(QStringLiteral(", ")));
    }
    statements << QStringLiteral("COMMIT");
    build(path, statements);
    return foreignKeys;
}

void createBigTable(const QString &path)
{
    build(path,
          {QStringLiteral("PRAGMA journal_mode = OFF"), QStringLiteral("PRAGMA synchronous = OFF"),
           QStringLiteral("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT "
                          "NULL, amount REAL, status TEXT, created_at TIMESTAMP, paid BOOLEAN, "
                          "note TEXT, discount NUMERIC(5,2))"),
           QStringLiteral("WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
                          "WHERE n < %1) "
                          "INSERT INTO orders SELECT n, n % 50000, (n * 7919 % 100000) / 100.0, "
                          "CASE n % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' WHEN 2 THEN 'shipped' "
                          "ELSE 'returned' END, datetime(1577836800 + n * 61, 'unixepoch'), "
                          "n % 3 = 0, CASE WHEN n % 10 = 0 THEN NULL ELSE 'note ' || (n % 997) "
                          "END, (n % 20) * 0.5 FROM seq")
               .arg(kRows)});
}

ConnectionSettings sqliteSettings(const QString &path)
{
    ConnectionSettings settings;
    settings.connectionId = QStringLiteral("bench");
    settings.driver = QStringLiteral("sqlite");
    settings.path = path;
    return settings;
}

std::unique_ptr<DatabaseSession> openSession(const ConnectionSettings &settings)
{
    Result<std::unique_ptr<DatabaseSession>> session = DatabaseSession::open(settings);
    if (!session.ok())
        fail(QStringLiteral("open failed: ") + session.error().toText());
    return std::move(session).value();
}

SchemaSnapshot introspect(const ConnectionSettings &settings)
{
    Result<SchemaSnapshot> snapshot = openSession(settings)->introspect();
    if (!snapshot.ok())
        fail(QStringLiteral("introspect failed: ") + snapshot.error().toText());
    return std::move(snapshot).value();
}

// Every table's source YAML; returns the total bytes (so nothing is optimised away).
qint64 project(const SchemaSnapshot &snapshot, int *joinCount = nullptr)
{
    const QMap<QString, QString> names = StructuralSource::sourceNames(snapshot);
    const QList<StructuralJoin> joins = StructuralIngest::declaredJoins(snapshot);
    QHash<QString, QList<StructuralJoin>> byTable;
    for (const StructuralJoin &join : joins)
        byTable[join.from.displayName()] << join;
    qint64 bytes = 0;
    for (const SchemaTable &table : snapshot.tables) {
        const QByteArray yaml = StructuralSource::yaml(table, snapshot.driver, names,
                                                       byTable.value(table.ref.displayName()));
        if (yaml.isEmpty())
            fail(QStringLiteral("empty YAML for ") + table.ref.displayName());
        bytes += yaml.size();
    }
    if (joinCount)
        *joinCount = int(joins.size());
    return bytes;
}

// The reference for (a): list the tables, read each one's columns; nothing else.
int bareTableInfo(const QString &path, bool withForeignKeys = false)
{
    const QString name = QStringLiteral("bench-reference");
    int columns = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (!db.open())
            fail(db.lastError().text());
        QSqlQuery tables(db);
        tables.setForwardOnly(true);
        if (!tables.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'")))
            fail(tables.lastError().text());
        QSqlQuery info(db);
        info.setForwardOnly(true);
        info.prepare(
            QStringLiteral("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)"));
        QSqlQuery keys(db);
        keys.setForwardOnly(true);
        keys.prepare(QStringLiteral("SELECT id, seq, \"table\", \"from\", \"to\" "
                                    "FROM pragma_foreign_key_list(?)"));
        while (tables.next()) {
            info.addBindValue(tables.value(0));
            if (!info.exec())
                fail(info.lastError().text());
            while (info.next()) {
                // Read every field, as an introspection would.
                columns += info.value(0).toString().isEmpty() ? 0 : 1;
                info.value(1).toString();
                info.value(2).toInt();
                info.value(3).toInt();
            }
            if (!withForeignKeys)
                continue;
            keys.addBindValue(tables.value(0));
            if (!keys.exec())
                fail(keys.lastError().text());
            while (keys.next()) {
                for (int i = 0; i < 5; ++i)
                    keys.value(i).toString();
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return columns;
}

void wideSchema(const QTemporaryDir &dir, int rounds)
{
    const QString path = dir.filePath(QStringLiteral("wide.sqlite"));
    int foreignKeys = 0;
    const double createMs = timeMs([&] { foreignKeys = createWideSchema(path); });
    const ConnectionSettings settings = sqliteSettings(path);
    std::printf("(a) %d tables x %d columns with foreign keys (%d rounds; created in %.0f ms)\n",
                kTables, kColumns, rounds, createMs);

    // Warm-up and checks.
    const SchemaSnapshot snapshot = introspect(settings);
    int columns = 0;
    int keys = 0;
    for (const SchemaTable &table : snapshot.tables) {
        columns += int(table.columns.size());
        keys += int(table.foreignKeys.size());
    }
    int joins = 0;
    const qint64 yamlBytes = project(snapshot, &joins);
    const int referenceColumns = bareTableInfo(path);
    std::printf("  snapshot: %d tables, %d columns, %d foreign keys, %d joins, %lld YAML bytes\n",
                int(snapshot.tables.size()), columns, keys, joins, yamlBytes);
    if (snapshot.tables.size() != kTables || columns != kTables * kColumns || keys != foreignKeys
        || joins != foreignKeys || referenceColumns != columns || !snapshot.warnings.isEmpty())
        fail(QStringLiteral("expected %1 tables, %2 columns, %3 foreign keys (reference saw %4 "
                            "columns; %5 warnings)")
                 .arg(kTables)
                 .arg(kTables * kColumns)
                 .arg(foreignKeys)
                 .arg(referenceColumns)
                 .arg(snapshot.warnings.size()));

    std::vector<double> reference;
    std::vector<double> referenceWithKeys;
    std::vector<double> introspection;
    std::vector<double> whole;
    std::vector<double> projection;
    for (int round = 0; round < rounds; ++round) {
        reference.push_back(timeMs([&] { bareTableInfo(path); }));
        referenceWithKeys.push_back(timeMs([&] { bareTableInfo(path, true); }));
        introspection.push_back(timeMs([&] { introspect(settings); }));
        SchemaSnapshot fresh;
        double projectMs = 0;
        whole.push_back(timeMs([&] {
            fresh = introspect(settings);
            projectMs = timeMs([&] { project(fresh); });
        }));
        projection.push_back(projectMs);
    }
    const Figures ref = summarize(reference);
    const Figures ours = summarize(introspection);
    const Figures all = summarize(whole);
    print("reference: QSqlDatabase + pragma_table_info", ref);
    print("  (for scale: + pragma_foreign_key_list)", summarize(referenceWithKeys));
    print("ours: open + introspect", ours);
    print("ours: YAML projection alone (1,000 tables)", summarize(projection));
    print("ours: open + introspect + YAML projection", all);
    std::printf("  ratio introspect/reference (median)          %.2fx\n", ours.median / ref.median);
    std::printf("  ratio introspect+YAML/reference (median)     %.2fx\n", all.median / ref.median);
}

void bigTable(const QTemporaryDir &dir, int rounds)
{
    const QString path = dir.filePath(QStringLiteral("big.sqlite"));
    const double createMs = timeMs([&] { createBigTable(path); });
    const ConnectionSettings settings = sqliteSettings(path);
    std::printf("(b) profile of a %d-row table, 8 columns (%d rounds; generated in %.0f ms)\n",
                kRows, rounds, createMs);

    const SchemaSnapshot snapshot = introspect(settings);
    if (snapshot.tables.size() != 1 || snapshot.tables.constFirst().columns.size() != 8
        || snapshot.tables.constFirst().exactRows.value_or(0) != kRows)
        fail(QStringLiteral("unexpected snapshot of the big table"));
    const DatabaseSessionFactory factory = [settings] {
        return DatabaseSession::open(settings);
    };
    const QString sampleSql = QStringLiteral("SELECT * FROM orders LIMIT 10000");

    std::vector<double> reference;
    std::vector<double> profiles;
    qint64 sampledRows = 0;
    int columnsProfiled = 0;
    int overBudget = 0;
    QStringList stopReasons;
    for (int round = -1; round < rounds; ++round) { // round -1: warm-up, not recorded
        const double refMs = timeMs([&] {
            Result<QueryResult> rows = openSession(settings)->query(sampleSql, 10000);
            if (!rows.ok() || rows->rows.size() != 10000)
                fail(QStringLiteral("reference query failed"));
        });
        ColumnProfiler::Options options; // default sample: 10,000 rows
        options.deadline = QDeadlineTimer(kBudgetMs);
        Result<ProfilingResult> result = Result<ProfilingResult>(ProfilingResult {});
        const double profileMs
            = timeMs([&] { result = ColumnProfiler::profile(snapshot, factory, options); });
        if (!result.ok())
            fail(QStringLiteral("profile failed: ") + result.error().toText());
        if (result->tables.size() != 1)
            fail(QStringLiteral("the profile has no table (stop reason: %1)")
                     .arg(result->stopReason));
        if (round < 0)
            continue;
        reference.push_back(refMs);
        profiles.push_back(profileMs);
        sampledRows = result->tables.constFirst().sampledRows;
        columnsProfiled = int(result->tables.constFirst().columns.size());
        if (!result->stopReason.isEmpty() && !stopReasons.contains(result->stopReason))
            stopReasons << result->stopReason;
        overBudget += profileMs > kBudgetMs ? 1 : 0;
    }
    const Figures ref = summarize(reference);
    const Figures ours = summarize(profiles);
    print("reference: query SELECT * LIMIT 10000", ref);
    print("ours: ColumnProfiler::profile", ours);
    std::printf("  sampled rows %lld, columns profiled %d, budget %d ms: %s (stop reason: %s)\n",
                sampledRows, columnsProfiled, kBudgetMs,
                overBudget == 0 && stopReasons.isEmpty() ? "every run within budget"
                                                         : "OVER BUDGET",
                stopReasons.isEmpty() ? "none" : qPrintable(stopReasons.join(QLatin1Char(','))));
    std::printf("  ratio profile/reference (median)             %.2fx\n", ours.median / ref.median);
    if (sampledRows != 10000 || overBudget > 0 || !stopReasons.isEmpty())
        fail(QStringLiteral("the profile did not sample 10,000 rows within its budget"));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int rounds = argc > 1 ? std::max(3, std::atoi(argv[1])) : 9;
    QTemporaryDir dir;
    if (!dir.isValid())
        fail(QStringLiteral("cannot create a temporary directory"));
    std::printf("SQLite at scale\n");
    wideSchema(dir, rounds);
    bigTable(dir, rounds);
    return 0;
}
