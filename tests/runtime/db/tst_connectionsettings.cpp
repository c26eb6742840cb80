// connections.<id> blocks from ktx.yaml become ConnectionSettings: URLs and
// fields, secret references, defaults, and specific validation errors.
#include "core/secretredactor.h"
#include "db/connectionsettings.h"
#include "db/databasesession.h"
#include "project/projectconfig.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

ConnectionConfig config(const QString &id, const QString &driver, const QVariantMap &fields)
{
    ConnectionConfig c;
    c.id = id;
    c.driver = driver;
    c.fields = fields;
    c.fields.insert(QStringLiteral("driver"), driver);
    return c;
}

} // namespace

class TestConnectionSettings : public QObject
{
    Q_OBJECT

    QTemporaryDir m_project;

private Q_SLOTS:
    void sqlitePaths_data()
    {
        QTest::addColumn<QVariantMap>("fields");
        QTest::addColumn<QString>("expected");
        const QString project = m_project.path();
        QTest::newRow("relative") << QVariantMap {{"path", "data/shop.db"}}
                                  << project + QStringLiteral("/data/shop.db");
        QTest::newRow("dot-relative")
            << QVariantMap {{"path", "./shop.db"}} << project + QStringLiteral("/shop.db");
        QTest::newRow("absolute") << QVariantMap {{"path", "/srv/db/shop.db"}}
                                  << QStringLiteral("/srv/db/shop.db");
        QTest::newRow("home") << QVariantMap {{"path", "~/dbs/shop.db"}}
                              << QDir::homePath() + QStringLiteral("/dbs/shop.db");
        QTest::newRow("env") << QVariantMap {{"path", "env:KTX_TEST_SQLITE_PATH"}}
                             << QStringLiteral("/var/lib/shop.db");
        QTest::newRow("url absolute")
            << QVariantMap {{"url", "sqlite:///var/lib/x.db"}} << QStringLiteral("/var/lib/x.db");
        QTest::newRow("url four slashes")
            << QVariantMap {{"url", "sqlite:////var/lib/x.db"}} << QStringLiteral("/var/lib/x.db");
        QTest::newRow("url relative")
            << QVariantMap {{"url", "sqlite:shop.db"}} << project + QStringLiteral("/shop.db");
    }
    void sqlitePaths()
    {
        QFETCH(QVariantMap, fields);
        QFETCH(QString, expected);
        qputenv("KTX_TEST_SQLITE_PATH", "/var/lib/shop.db");
        Result<ConnectionSettings> s = ConnectionSettings::fromConfig(
            config(QStringLiteral("lite"), QStringLiteral("sqlite"), fields), m_project.path());
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));
        QCOMPARE(s->driver, QStringLiteral("sqlite"));
        QCOMPARE(s->path, expected);
        QCOMPARE(s->connectionId, QStringLiteral("lite"));
        QCOMPARE(s->displayTarget(), QStringLiteral("sqlite://") + expected);
        // A SQLite path is not a secret: messages may show it.
        QCOMPARE(SecretRedactor::redact(expected), expected);
    }

    void postgresUrl()
    {
        Result<ConnectionSettings> s = ConnectionSettings::fromConfig(
            config(
                QStringLiteral("pg"), QStringLiteral("postgres"),
                {{"url", "postgres://ana:s%40cr3t-pw@db.example.com:6543/shop?sslmode=require"}}),
            m_project.path());
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));
        QCOMPARE(s->host, QStringLiteral("db.example.com"));
        QCOMPARE(s->port, 6543);
        QCOMPARE(s->user, QStringLiteral("ana"));
        QCOMPARE(s->password, QStringLiteral("s@cr3t-pw"));
        QCOMPARE(s->database, QStringLiteral("shop"));
        QCOMPARE(s->sslMode, QStringLiteral("require"));
        QCOMPARE(s->schemas, QStringList {"public"});
        QCOMPARE(s->statementTimeoutMs, 30000);
        QCOMPARE(s->connectTimeoutSeconds, 10);
        QCOMPARE(s->displayTarget(), QStringLiteral("postgres://ana@db.example.com:6543/shop"));
        // The password inside a literal URL is registered for redaction.
        QCOMPARE(SecretRedactor::redact(QStringLiteral("x s@cr3t-pw y")),
                 QStringLiteral("x [redacted] y"));
    }

    void postgresFieldsAndSecrets()
    {
        qputenv("KTX_TEST_PG_PASSWORD", "from-the-env-1");
        QFile secret(m_project.filePath(QStringLiteral("pg-url")));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write("postgresql://bob:url-pw-22@10.0.0.5/warehouse\n");
        secret.close();

        Result<ConnectionSettings> s = ConnectionSettings::fromConfig(
            config(QStringLiteral("pg"), QStringLiteral("postgresql"),
                   {{"host", "db.internal"},
                    {"port", "5433"},
                    {"database", "analytics"},
                    {"username", "analyst"},
                    {"password", "env:KTX_TEST_PG_PASSWORD"},
                    {"schema", "marts"},
                    {"sslmode", "verify-full"},
                    {"query_timeout_ms", "1500"},
                    {"enabled_tables", QStringList {"marts.orders", "customers"}},
                    {"excluded_tables", QStringList {"*_backup", "marts.tmp_*"}}}),
            m_project.path());
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));
        QCOMPARE(s->driver, QStringLiteral("postgres"));
        QCOMPARE(s->host, QStringLiteral("db.internal"));
        QCOMPARE(s->port, 5433);
        QCOMPARE(s->database, QStringLiteral("analytics"));
        QCOMPARE(s->user, QStringLiteral("analyst"));
        QCOMPARE(s->password, QStringLiteral("from-the-env-1"));
        QCOMPARE(s->schemas, QStringList {"marts"});
        QCOMPARE(s->sslMode, QStringLiteral("verify-full"));
        QCOMPARE(s->statementTimeoutMs, 1500);
        QCOMPARE(s->enabledTables, QStringList({"marts.orders", "customers"}));
        QCOMPARE(s->excludedTables, QStringList({"*_backup", "marts.tmp_*"}));
        QVERIFY(!s->displayTarget().contains(QLatin1String("from-the-env-1")));

        // url from a file reference; `user` is accepted for `username`; fields
        // fill what the URL leaves out; `schemas` is a list.
        s = ConnectionSettings::fromConfig(config(QStringLiteral("pg2"), QStringLiteral("postgres"),
                                                  {{"url", "file:pg-url"},
                                                   {"port", "6000"},
                                                   {"schemas", QStringList {"raw", "marts"}}}),
                                           m_project.path());
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));
        QCOMPARE(s->host, QStringLiteral("10.0.0.5"));
        QCOMPARE(s->port, 6000);
        QCOMPARE(s->user, QStringLiteral("bob"));
        QCOMPARE(s->password, QStringLiteral("url-pw-22"));
        QCOMPARE(s->database, QStringLiteral("warehouse"));
        QCOMPARE(s->schemas, QStringList({"raw", "marts"}));
        QVERIFY(s->sslMode.isEmpty());

        s = ConnectionSettings::fromConfig(config(QStringLiteral("pg3"), QStringLiteral("postgres"),
                                                  {{"host", "h"}, {"user", "carol"}}),
                                           m_project.path());
        QVERIFY(s.ok());
        QCOMPARE(s->user, QStringLiteral("carol"));
        QCOMPARE(s->port, 0); // the driver's default
    }

    void mysql()
    {
        Result<ConnectionSettings> s = ConnectionSettings::fromConfig(
            config(QStringLiteral("my"), QStringLiteral("mysql"),
                   {{"url", "mysql://app:pw-1234@127.0.0.1:3307/shop?ssl=true"}}),
            m_project.path());
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));
        QCOMPARE(s->driver, QStringLiteral("mysql"));
        QCOMPARE(s->port, 3307);
        QCOMPARE(s->database, QStringLiteral("shop"));
        QCOMPARE(s->schemas, QStringList {"shop"}); // the URL's database
        QCOMPARE(s->sslMode, QStringLiteral("require"));

        s = ConnectionSettings::fromConfig(
            config(QStringLiteral("my"), QStringLiteral("mariadb"),
                   {{"host", "db"}, {"username", "app"}, {"schemas", QStringList {"a", "b"}}}),
            m_project.path());
        QVERIFY(s.ok());
        QCOMPARE(s->driver, QStringLiteral("mysql"));
        QCOMPARE(s->schemas, QStringList({"a", "b"}));
        QVERIFY(s->database.isEmpty());
    }

    void errors_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QVariantMap>("fields");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("pg without host")
            << "postgres" << QVariantMap {{"database", "x"}} << "invalid_connection"
            << "connections.c: host or url is required.";
        QTest::newRow("mysql without host")
            << "mysql" << QVariantMap {{"database", "x"}} << "invalid_connection"
            << "connections.c: host or url is required.";
        QTest::newRow("mysql without scope")
            << "mysql" << QVariantMap {{"host", "h"}} << "invalid_connection"
            << "connections.c: database or schemas is required.";
        QTest::newRow("sqlite without path")
            << "sqlite" << QVariantMap {} << "invalid_connection"
            << "connections.c: path is required for a SQLite connection.";
        QTest::newRow("bad port") << "postgres" << QVariantMap {{"host", "h"}, {"port", "54x"}}
                                  << "invalid_connection"
                                  << "connections.c.port must be a port number (1-65535).";
        QTest::newRow("bad sslmode")
            << "postgres" << QVariantMap {{"host", "h"}, {"sslmode", "sometimes"}}
            << "invalid_connection"
            << "connections.c: sslmode \"sometimes\" is not one of disable, allow, prefer, "
               "require, verify-ca, verify-full.";
        QTest::newRow("bad timeout")
            << "postgres" << QVariantMap {{"host", "h"}, {"query_timeout_ms", "soon"}}
            << "invalid_connection"
            << "connections.c.query_timeout_ms must be a positive number of milliseconds.";
        QTest::newRow("wrong url scheme")
            << "postgres" << QVariantMap {{"url", "mysql://u:topsecret@h/db"}}
            << "invalid_connection"
            << "connections.c.url is not a valid postgres:// URL.";
        QTest::newRow("unset env password")
            << "postgres"
            << QVariantMap {{"host", "h"}, {"password", "env:KTX_TEST_UNSET_VARIABLE"}}
            << "secret_missing"
            << "connections.c.password: The environment variable KTX_TEST_UNSET_VARIABLE is not "
               "set.";
        QTest::newRow("unsupported driver") << "snowflake" << QVariantMap {} << "driver_unsupported"
                                            << "connections.c: driver \"snowflake\" cannot be "
                                               "queried by this version of ktx (supported: "
                                               "sqlite, postgres, mysql).";
    }
    void errors()
    {
        QFETCH(QString, driver);
        QFETCH(QVariantMap, fields);
        QFETCH(QString, code);
        QFETCH(QString, message);
        qunsetenv("KTX_TEST_UNSET_VARIABLE");
        Result<ConnectionSettings> s = ConnectionSettings::fromConfig(
            config(QStringLiteral("c"), driver, fields), m_project.path());
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, code);
        QCOMPARE(s.error().message, message);
        QVERIFY(!s.error().toText().contains(QLatin1String("topsecret")));
    }

    // Last: it hides every Qt plugin from this process.
    void driverMissing()
    {
        QTemporaryDir empty;
        QCoreApplication::setLibraryPaths({empty.path()});
        ConnectionSettings settings;
        settings.connectionId = QStringLiteral("pg");
        settings.driver = QStringLiteral("postgres");
        settings.host = QStringLiteral("127.0.0.1");
        Result<std::unique_ptr<DatabaseSession>> session = DatabaseSession::open(settings);
        QVERIFY(!session.ok());
        QCOMPARE(session.error().code, QStringLiteral("driver_missing"));
        QCOMPARE(session.error().message,
                 QStringLiteral("The Qt SQL driver QPSQL that connection \"pg\" needs is not "
                                "installed: install the Debian package libqt6sql6-psql."));
    }
};

QTEST_GUILESS_MAIN(TestConnectionSettings)
#include "tst_connectionsettings.moc"
