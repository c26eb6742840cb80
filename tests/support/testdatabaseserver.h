#pragma once

#include "db/connectionsettings.h"

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

class QSqlDatabase;

namespace ktx::test {

// A throw-away database server for tests and benchmarks: its own data directory
// in a temporary folder, a free loopback port, an application database and a
// user with a password; stopped and deleted with this object. Nothing here
// assumes a system service.
//
// Running as root (as CI does), the server runs as an unprivileged user
// (PostgreSQL: nobody; MariaDB: mysql), which PostgreSQL insists on.
class TestDatabaseServer
{
public:
    enum class Kind { Postgres, MariaDb };

    virtual ~TestDatabaseServer();

    // Starts a server, or returns nullptr with *error saying why; a missing
    // binary names the Debian package to install.
    static std::unique_ptr<TestDatabaseServer> start(Kind kind, QString *error);
    // The same with extra server settings, "name=value" each, applied after the
    // defaults (PostgreSQL: `-c name=value`; e.g. "shared_preload_libraries="
    // for a server without pg_stat_statements). MariaDB ignores them.
    static std::unique_ptr<TestDatabaseServer> start(Kind kind, const QStringList &serverSettings,
                                                     QString *error);

    Kind kind() const { return m_kind; }
    QString driver() const; // postgres | mysql: ConnectionSettings::driver
    QString host() const { return QStringLiteral("127.0.0.1"); }
    int port() const { return m_port; }
    QString database() const { return QStringLiteral("ktx"); }
    QString user() const { return QStringLiteral("ktx"); }
    QString password() const { return m_password; }
    // Wall time from start() to a server accepting the application user.
    qint64 startupMs() const { return m_startupMs; }
    QString logPath() const;

    // Runs statements one by one as the superuser, in `database` (default: the
    // application database). Returns false with *error at the first failure.
    bool admin(const QStringList &statements, QString *error, const QString &database = {});

    // For the application user, password included; schemas default as
    // ConnectionSettings::fromConfig would set them.
    ConnectionSettings connectionSettings(const QString &connectionId
                                          = QStringLiteral("test")) const;

protected:
    explicit TestDatabaseServer(Kind kind);

    virtual bool launch(QString *error) = 0;
    virtual void shutdown() = 0;
    // Configures an admin (superuser) QSqlDatabase for `database`.
    virtual QString adminDriver() const = 0;
    virtual void configureAdmin(QSqlDatabase &db, const QString &database) const = 0;

    // Runs a helper program to completion (as `runAs` when we are root).
    bool run(const QString &program, const QStringList &args, const QString &runAs, QString *error,
             int timeoutMs = 60000);
    // Prepares `process` to drop to `runAs` (when root) and to die with us.
    void prepareChild(QProcess &process, const QString &runAs) const;
    bool chownTree(const QString &path, const QString &user, QString *error) const;
    static int freePort();
    static bool isRoot();

    Kind m_kind;
    QTemporaryDir m_dir;
    QProcess m_server;
    int m_port = 0;
    QString m_password;
    qint64 m_startupMs = 0;
    QStringList m_serverSettings;
};

} // namespace ktx::test
