// Introspecting a generated PostgreSQL schema of 2,000 tables x 20 columns with
// foreign keys, side by side in one run with `pg_dump --schema-only` of the same
// database (the reference: the tool everyone already trusts to read a whole
// catalog). Goal: ours/pg_dump <= 1.0.
//
// Ours is a fresh DatabaseSession per sample (open + introspect), as a scan
// does; pg_dump is a fresh process per sample, connecting as the same user over
// the same loopback TCP with the same password authentication, output to
// /dev/null. The two alternate, and swap order every round, after one untimed
// warm-up of each. The tables are empty and ANALYZEd; our introspection still
// counts their rows (COUNT(*) in batches of 50), pg_dump does not.
#include "benchfigures.h"
#include "db/databasesession.h"
#include "db/schemasnapshot.h"
#include "testdatabaseserver.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QStringList>

#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace ktx;
using namespace ktx::bench;

namespace {

constexpr int kTables = 2000;
constexpr int kColumns = 20;
constexpr int kBatch = 100; // tables per multi-statement exec (one implicit transaction)

QString tableName(int i)
{
    return QStringLiteral("t%1").arg(i, 4, 10, QLatin1Char('0'));
}

// Table i references t(i-1); even tables also reference t(i/2).
bool hasSecondParent(int i)
{
    return i > 2 && i % 2 == 0;
}

struct Expected
{
    int tables = 0;
    int columns = 0;
    int foreignKeys = 0;
    int primaryKeyColumns = 0;
    int tableComments = 0;
    int columnComments = 0;
};

// One CREATE TABLE (+ comments) per table; every table has exactly kColumns columns.
QString tableDdl(int i, Expected &expected)
{
    static const char *const types[] = {
        "integer",   "bigint",      "numeric(12,2)",    "text",  "varchar(80)", "boolean",
        "date",      "timestamptz", "double precision", "jsonb", "uuid",        "smallint",
        "timestamp", "char(3)",
    };
    constexpr int typeCount = int(sizeof(types) / sizeof(types[0]));
    const QString name = tableName(i);
    QStringList columns {QStringLiteral("id bigint PRIMARY KEY")};
    if (i > 1)
        columns << QStringLiteral("parent_id bigint REFERENCES %1(id)").arg(tableName(i - 1));
    if (hasSecondParent(i))
        columns
            << QStringLiteral("second_parent_id bigint REFERENCES %1(id)").arg(tableName(i / 2));
    expected.foreignKeys += int(columns.size()) - 1;
    for (int c = int(columns.size()); c < kColumns; ++c) {
        const char *type = types[(i + c) % typeCount];
        columns << QStringLiteral("c%1_%2 %3%4")
                       .arg(c, 2, 10, QLatin1Char('0'))
                       .arg(QString::fromLatin1(type)
                                .section(QLatin1Char('('), 0, 0)
                                .remove(QLatin1Char(' ')))
                       .arg(QString::fromLatin1(type))
                       .arg(c % 5 == 0 ? QStringLiteral(" NOT NULL") : QString());
    }
    QString ddl
        = QStringLiteral("CREATE TABLE %1 (%2);\n").arg(name, columns.join(QStringLiteral(", ")));
    if (i % 10 == 0) {
        ddl += QStringLiteral("COMMENT ON TABLE %1 IS 'Generated table %2, for the benchmark.';\n")
                   .arg(name)
                   .arg(i);
        ddl += QStringLiteral("COMMENT ON COLUMN %1.id IS 'Surrogate key of %1.';\n").arg(name);
        ++expected.tableComments;
        ++expected.columnComments;
    }
    ++expected.tables;
    expected.columns += kColumns;
    ++expected.primaryKeyColumns;
    return ddl;
}

QString pgDumpPath()
{
    const QString versioned = QStringLiteral("/usr/lib/postgresql/15/bin/pg_dump");
    if (QFile::exists(versioned))
        return versioned;
    return QStandardPaths::findExecutable(QStringLiteral("pg_dump"));
}

[[noreturn]] void fail(const QString &message)
{
    std::fprintf(stderr, "bench_introspection_postgres: %s\n", qPrintable(message));
    std::exit(1);
}

SchemaSnapshot introspectOnce(const ConnectionSettings &settings)
{
    Result<std::unique_ptr<DatabaseSession>> session = DatabaseSession::open(settings);
    if (!session.ok())
        fail(QStringLiteral("open failed: ") + session.error().toText());
    Result<SchemaSnapshot> snapshot = (*session)->introspect();
    if (!snapshot.ok())
        fail(QStringLiteral("introspect failed: ") + snapshot.error().toText());
    return std::move(snapshot).value();
}

void pgDumpOnce(const QString &program, const test::TestDatabaseServer &server,
                const QString &output = QStringLiteral("/dev/null"))
{
    QProcess dump;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGPASSWORD"), server.password());
    dump.setProcessEnvironment(env);
    dump.setStandardOutputFile(output);
    dump.start(program,
               {QStringLiteral("--schema-only"), QStringLiteral("--no-password"),
                QStringLiteral("--host"), server.host(), QStringLiteral("--port"),
                QString::number(server.port()), QStringLiteral("--username"), server.user(),
                QStringLiteral("--dbname"), server.database()});
    if (!dump.waitForFinished(120000) || dump.exitStatus() != QProcess::NormalExit
        || dump.exitCode() != 0)
        fail(QStringLiteral("pg_dump failed: ")
             + QString::fromLocal8Bit(dump.readAllStandardError()));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int rounds = argc > 1 ? std::max(3, std::atoi(argv[1])) : 7;

    const QString pgDump = pgDumpPath();
    if (pgDump.isEmpty())
        fail(QStringLiteral("pg_dump not found: install the Debian package postgresql-client-15."));

    QString error;
    QElapsedTimer startup;
    startup.start();
    std::unique_ptr<test::TestDatabaseServer> server
        = test::TestDatabaseServer::start(test::TestDatabaseServer::Kind::Postgres, &error);
    if (!server)
        fail(error);
    std::printf("PostgreSQL introspection: %d tables x %d columns with foreign keys (%d rounds)\n",
                kTables, kColumns, rounds);
    std::printf("  server started in %lld ms\n", startup.elapsed());

    // Created as the application user (SET ROLE on the admin connection), so it
    // owns the tables and both pg_dump and our COUNT(*) may read them.
    Expected expected;
    QStringList statements {QStringLiteral("SET ROLE ") + server->user()};
    for (int first = 1; first <= kTables; first += kBatch) {
        QString batch;
        for (int i = first; i < first + kBatch && i <= kTables; ++i)
            batch += tableDdl(i, expected);
        statements << batch;
    }
    statements << QStringLiteral("RESET ROLE") << QStringLiteral("ANALYZE");
    const double createMs = timeMs([&] {
        if (!server->admin(statements, &error))
            fail(error);
    });
    std::printf("  schema created in %.0f ms (%d statements of %d tables each, then ANALYZE)\n",
                createMs, int(statements.size()) - 3, kBatch);

    const ConnectionSettings settings = server->connectionSettings(QStringLiteral("bench"));
    const SchemaSnapshot snapshot = introspectOnce(settings); // also the warm-up
    // The reference's warm-up also proves it dumps the whole schema.
    const QString dumpFile = QDir::temp().filePath(QStringLiteral("ktx-bench-pg_dump.sql"));
    pgDumpOnce(pgDump, *server, dumpFile);
    QFile dumped(dumpFile);
    if (!dumped.open(QIODevice::ReadOnly))
        fail(QStringLiteral("cannot read ") + dumpFile);
    const QByteArray dumpText = dumped.readAll();
    dumped.close();
    dumped.remove();
    const int dumpedTables = int(dumpText.count("CREATE TABLE public."));
    const int dumpedKeys = int(dumpText.count("FOREIGN KEY"));
    std::printf("  pg_dump:  %d tables, %d foreign keys, %lld bytes of SQL\n", dumpedTables,
                dumpedKeys, qint64(dumpText.size()));
    if (dumpedTables != kTables)
        fail(QStringLiteral("pg_dump saw %1 tables").arg(dumpedTables));

    Expected seen;
    int counted = 0;
    seen.tables = int(snapshot.tables.size());
    for (const SchemaTable &table : snapshot.tables) {
        seen.columns += int(table.columns.size());
        seen.foreignKeys += int(table.foreignKeys.size());
        seen.tableComments += table.comment.isEmpty() ? 0 : 1;
        for (const SchemaColumn &column : table.columns) {
            seen.primaryKeyColumns += column.primaryKey ? 1 : 0;
            seen.columnComments += column.comment.isEmpty() ? 0 : 1;
        }
        counted += table.exactRows ? 1 : 0;
    }
    std::printf("  snapshot: %d tables, %d columns, %d foreign keys, %d key columns, %d table "
                "comments, %d column comments, %d tables counted, %d warnings\n",
                seen.tables, seen.columns, seen.foreignKeys, seen.primaryKeyColumns,
                seen.tableComments, seen.columnComments, counted, int(snapshot.warnings.size()));
    std::printf("  created:  %d tables, %d columns, %d foreign keys, %d key columns, %d table "
                "comments, %d column comments\n",
                expected.tables, expected.columns, expected.foreignKeys, expected.primaryKeyColumns,
                expected.tableComments, expected.columnComments);
    if (seen.tables != expected.tables || seen.columns != expected.columns
        || seen.foreignKeys != expected.foreignKeys
        || seen.primaryKeyColumns != expected.primaryKeyColumns
        || seen.tableComments != expected.tableComments
        || seen.columnComments != expected.columnComments || !snapshot.warnings.isEmpty()) {
        for (const QString &warning : snapshot.warnings)
            std::fprintf(stderr, "  warning: %s\n", qPrintable(warning));
        fail(QStringLiteral("the snapshot does not match the generated schema"));
    }

    std::vector<double> ours;
    std::vector<double> dump;
    for (int round = 0; round < rounds; ++round) {
        const auto runOurs = [&] {
            ours.push_back(timeMs([&] { introspectOnce(settings); }));
        };
        const auto runDump = [&] {
            dump.push_back(timeMs([&] { pgDumpOnce(pgDump, *server); }));
        };
        if (round % 2 == 0) {
            runOurs();
            runDump();
        } else {
            runDump();
            runOurs();
        }
    }
    const Figures oursFigures = summarize(ours);
    const Figures dumpFigures = summarize(dump);
    print("ours: DatabaseSession open + introspect", oursFigures);
    print("reference: pg_dump --schema-only", dumpFigures);
    std::printf("  ratio ours/pg_dump (median)                  %.2fx   (goal: <= 1.00)\n",
                oursFigures.median / dumpFigures.median);
    std::printf("  ratio ours/pg_dump (min)                     %.2fx\n",
                oursFigures.min / dumpFigures.min);
    return 0;
}
