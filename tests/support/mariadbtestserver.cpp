#include "mariadbtestserver.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlDatabase>
#include <QStandardPaths>
#include <QThread>

namespace ktx::test {

namespace {

const char *kRunAs = "mysql";

QString findProgram(const QString &name)
{
    return QStandardPaths::findExecutable(name,
                                          {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin"),
                                           QStringLiteral("/usr/local/sbin"),
                                           QStringLiteral("/usr/local/bin")});
}

QString missingPackage(const QString &program)
{
    return QStringLiteral("%1 was not found: install the Debian package mariadb-server "
                          "(scripts/setup.sh --tests does).")
        .arg(program);
}

} // namespace

MariaDbTestServer::MariaDbTestServer()
    : TestDatabaseServer(Kind::MariaDb)
{ }

MariaDbTestServer::~MariaDbTestServer()
{
    shutdown();
}

QString MariaDbTestServer::socketPath() const
{
    return m_dir.filePath(QStringLiteral("mysqld.sock"));
}

QStringList MariaDbTestServer::commonArgs() const
{
    // install-db passes the InnoDB sizes on to its bootstrap server, which then
    // creates a 16 MB redo log instead of 96 MB.
    return {QStringLiteral("--no-defaults"),
            QStringLiteral("--datadir=") + m_dir.filePath(QStringLiteral("data")),
            QStringLiteral("--tmpdir=") + m_dir.filePath(QStringLiteral("tmp")),
            QStringLiteral("--innodb-buffer-pool-size=64M"),
            QStringLiteral("--innodb-log-file-size=16M"),
            QStringLiteral("--innodb-flush-log-at-trx-commit=0"),
            QStringLiteral("--innodb-buffer-pool-dump-at-shutdown=0"),
            QStringLiteral("--innodb-buffer-pool-load-at-startup=0")};
}

QString MariaDbTestServer::adminDriver() const
{
    return QStringLiteral("QMYSQL");
}

void MariaDbTestServer::configureAdmin(QSqlDatabase &db, const QString &database) const
{
    // root@localhost has no password (install-db --auth-root-authentication-method=normal).
    db.setUserName(QStringLiteral("root"));
    db.setDatabaseName(database);
    db.setConnectOptions(QStringLiteral("UNIX_SOCKET=") + socketPath());
}

bool MariaDbTestServer::launch(QString *error)
{
    QElapsedTimer timer;
    timer.start();
    const QString installDb = findProgram(QStringLiteral("mariadb-install-db"));
    const QString server = findProgram(QStringLiteral("mariadbd"));
    if (server.isEmpty()) {
        *error = missingPackage(QStringLiteral("mariadbd"));
        return false;
    }
    if (installDb.isEmpty()) {
        *error = missingPackage(QStringLiteral("mariadb-install-db"));
        return false;
    }
    QDir().mkpath(m_dir.filePath(QStringLiteral("data")));
    QDir().mkpath(m_dir.filePath(QStringLiteral("tmp")));
    if (!chownTree(m_dir.path(), QString::fromLatin1(kRunAs), error))
        return false;
    if (!run(installDb,
             commonArgs() << QStringLiteral("--auth-root-authentication-method=normal")
                          << QStringLiteral("--skip-test-db")
                          << QStringLiteral("--skip-name-resolve"),
             QString::fromLatin1(kRunAs), error))
        return false;

    for (int attempt = 0; attempt < 3; ++attempt) {
        m_port = freePort();
        m_server.setStandardOutputFile(logPath(), QIODevice::Append);
        m_server.setStandardErrorFile(logPath(), QIODevice::Append);
        // We drop to `mysql` ourselves rather than with --user, so the server
        // still dies with a crashed test (setuid would clear PR_SET_PDEATHSIG).
        prepareChild(m_server, QString::fromLatin1(kRunAs));
        m_server.start(server,
                       commonArgs() << QStringLiteral("--socket=") + socketPath()
                                    << QStringLiteral("--port=%1").arg(m_port)
                                    << QStringLiteral("--bind-address=127.0.0.1")
                                    << QStringLiteral("--skip-networking=0")
                                    << QStringLiteral("--pid-file=")
                               + m_dir.filePath(QStringLiteral("mysqld.pid"))
                                    << QStringLiteral("--skip-name-resolve")
                                    << QStringLiteral("--skip-log-bin")
                                    << QStringLiteral("--character-set-server=utf8mb4")
                                    << QStringLiteral("--collation-server=utf8mb4_unicode_ci"));
        if (!m_server.waitForStarted(10000)) {
            *error = QStringLiteral("Cannot start %1: %2").arg(server, m_server.errorString());
            return false;
        }
        if (waitUntilReady(error))
            break;
        shutdown();
        QFile log(logPath());
        const bool portTaken
            = log.open(QIODevice::ReadOnly) && log.readAll().contains("Address already in use");
        if (!portTaken || attempt == 2)
            return false;
    }

    if (!admin({QStringLiteral("CREATE DATABASE %1").arg(database()),
                QStringLiteral("CREATE USER '%1'@'127.0.0.1' IDENTIFIED BY '%2'")
                    .arg(user(), m_password),
                QStringLiteral("GRANT ALL ON *.* TO '%1'@'127.0.0.1'").arg(user())},
               error, QStringLiteral("mysql")))
        return false;
    m_startupMs = timer.elapsed();
    return true;
}

bool MariaDbTestServer::waitUntilReady(QString *error)
{
    const QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired()) {
        if (m_server.state() == QProcess::NotRunning) {
            QFile log(logPath());
            log.open(QIODevice::ReadOnly);
            *error = QStringLiteral("mariadbd exited during start-up: %1")
                         .arg(QString::fromUtf8(log.readAll()).right(2000));
            return false;
        }
        // The socket appears once the server accepts connections.
        if (QFile::exists(socketPath())) {
            QString ignored;
            if (admin({QStringLiteral("SELECT 1")}, &ignored, QStringLiteral("mysql")))
                return true;
        }
        QThread::msleep(10);
    }
    *error = QStringLiteral("mariadbd did not become ready within 30 s (log: %1)").arg(logPath());
    return false;
}

void MariaDbTestServer::shutdown()
{
    if (m_server.state() == QProcess::NotRunning)
        return;
    QString ignored;
    // innodb_fast_shutdown = 3 skips the redo-log flush: the data is thrown away anyway.
    admin({QStringLiteral("SET GLOBAL innodb_fast_shutdown = 3"), QStringLiteral("SHUTDOWN")},
          &ignored, QStringLiteral("mysql"));
    if (!m_server.waitForFinished(10000)) {
        m_server.kill();
        m_server.waitForFinished(5000);
    }
}

} // namespace ktx::test
