// `ktx sql` driven as a user types it, against a SQLite project made with
// `ktx admin init` and `ktx setup --no-input --database sqlite`.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runKtx(const QStringList &args, const QString &workDir)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("KTX_PROJECT_DIR"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM")); // the CLI must not need any platform plugin
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(workDir);
    p.start(qEnvironmentVariable("KTX_CLI"), args);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000))
        p.kill();
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

} // namespace

class TestCliSql : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_project;
    QString m_database;

    Run sql(const QStringList &args) { return runKtx(QStringList {"sql"} + args, m_project); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_database = m_tmp.filePath(QStringLiteral("shop.sqlite"));
        {
            QSqlDatabase db
                = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("writer"));
            db.setDatabaseName(m_database);
            QVERIFY(db.open());
            QSqlQuery q(db);
            for (const char *statement :
                 {"CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, balance REAL)",
                  "INSERT INTO customers VALUES (1, 'Ada', 10.5), (2, 'Grace', NULL), "
                  "(3, 'Linus\tTab', 1234.25)",
                  "CREATE TABLE \"Order Details\" (\"Unit Price\" REAL)",
                  "INSERT INTO \"Order Details\" VALUES (14.0)"})
                QVERIFY2(q.exec(QString::fromUtf8(statement)), qPrintable(q.lastError().text()));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("writer"));

        m_project = m_tmp.filePath(QStringLiteral("analytics"));
        Run r = runKtx({"admin", "init", m_project}, m_tmp.path());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runKtx({"setup", "--no-input", "--project-dir", m_project, "--database", "sqlite",
                    "--database-url", m_database, "--database-connection-id", "shop"},
                   m_tmp.path());
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void prettyTable()
    {
        const Run r = sql({"shop", "select id, name, balance from customers order by id"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out,
                 QByteArray("id | name       | balance\n"
                            "---+------------+--------\n"
                            " 1 | Ada        |    10.5\n"
                            " 2 | Grace      |    NULL\n"
                            " 3 | Linus\\tTab | 1234.25\n"
                            "(3 rows)\n"));
    }

    void truncation()
    {
        Run r = sql({"shop", "select id from customers order by id", "--max-rows", "2"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.endsWith("(truncated at 2 rows)\n"));
        QCOMPARE(r.out.count('\n'), 2 + 2 + 1);

        r = sql({"shop", "select id from customers where id = 1"});
        QVERIFY(r.out.endsWith("(1 row)\n"));
    }

    void json()
    {
        // The original's form: --connection and the query in several words.
        Run r = sql({"--json", "--connection", "shop", "--max-rows", "2", "select", "id,", "name,",
                     "balance", "from", "customers", "order", "by", "id"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(json.value("connectionId").toString(), QStringLiteral("shop"));
        QCOMPARE(json.value("columns").toArray(), QJsonArray({"id", "name", "balance"}));
        QCOMPARE(json.value("headers").toArray(), json.value("columns").toArray());
        QCOMPARE(json.value("headerTypes").toArray().size(), 3);
        QCOMPARE(json.value("rowCount").toInt(), 2);
        QCOMPARE(json.value("truncated").toBool(), true);
        QCOMPARE(
            json.value("rows").toArray(),
            QJsonArray({QJsonArray({1, "Ada", 10.5}), QJsonArray({2, "Grace", QJsonValue()})}));

        r = sql({"shop", "select \"Unit Price\" from \"Order Details\"", "--output", "json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject details = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(details.value("columns").toArray(), QJsonArray({"Unit Price"}));
        QCOMPARE(details.value("truncated").toBool(), false);
    }

    void plainIsTsv()
    {
        const Run r = sql({"shop", "select id, name from customers order by id", "--output",
                           "plain", "--max-rows", "2"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out, QByteArray("id\tname\n1\tAda\n2\tGrace\n"));
        QVERIFY(r.err.contains("truncated at 2 rows"));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("wording");
        QTest::newRow("delete") << "DELETE FROM customers"
                                << "sql_not_read_only"
                                << "SQL contains read/write operation";
        QTest::newRow("drop") << "drop table customers"
                              << "sql_not_read_only"
                              << "SQL contains read/write operation";
        QTest::newRow("two statements") << "select 1; delete from customers"
                                        << "sql_multiple_statements"
                                        << "Only one SQL statement can be executed.";
    }
    void refusals()
    {
        QFETCH(QString, query);
        QFETCH(QString, code);
        QFETCH(QString, wording);
        Run r = sql({"shop", query});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith(QByteArray(QByteArray("Error: ") + wording.toUtf8())),
                 r.err.constData());
        r = sql({"shop", query, "--json"});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(json.value("error").toString(), code);
        // Nothing changed.
        r = sql({"shop", "select count(*) from customers", "--json"});
        QCOMPARE(QJsonDocument::fromJson(r.out)
                     .object()
                     .value("rows")
                     .toArray()
                     .at(0)
                     .toArray()
                     .at(0)
                     .toInt(),
                 3);
    }

    void errors()
    {
        Run r = sql({"nope", "select 1"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("Connection \"nope\" is not configured in ktx.yaml"),
                 r.err.constData());
        QVERIFY(r.err.contains("ktx setup"));
        QVERIFY(r.err.contains("shop"));

        r = sql({"shop"});
        QCOMPARE(r.exitCode, 2);
        r = sql({"shop", "select 1", "--max-rows", "0"});
        QCOMPARE(r.exitCode, 2);
        r = sql({"shop", "select 1", "--max-rows", "10001"});
        QCOMPARE(r.exitCode, 2);
        r = sql({"shop", "select 1", "--output", "xml"});
        QCOMPARE(r.exitCode, 2);

        r = sql({"shop", "select * from no_such_table"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no such table"), r.err.constData());

        // Outside any project.
        r = runKtx({"sql", "shop", "select 1"}, m_tmp.path());
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("No ktx.yaml"));
    }

    void missingDatabaseFile()
    {
        QVERIFY(QFile::rename(m_database, m_database + QStringLiteral(".moved")));
        const Run r = sql({"shop", "select 1", "--json"});
        QVERIFY(QFile::rename(m_database + QStringLiteral(".moved"), m_database));
        QCOMPARE(r.exitCode, 1);
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(json.value("error").toString(), QStringLiteral("file_missing"));
        QVERIFY(json.value("message").toString().contains(QLatin1String("shop.sqlite")));
    }

    void helpListsSql()
    {
        Run r = runKtx({"--help"}, m_project);
        QVERIFY(r.out.contains("sql <id>"));
        r = runKtx({"sql", "--help"}, m_project);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("--max-rows"));
    }
};

QTEST_GUILESS_MAIN(TestCliSql)
#include "tst_cli_sql.moc"
