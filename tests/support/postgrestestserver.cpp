#include "postgrestestserver.h"

#include <QCollator>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlDatabase>
#include <QThread>

#include <csignal>

namespace ktx::test {

namespace {

const char *kRunAs = "nobody";

} // namespace

PostgresTestServer::PostgresTestServer()
    : TestDatabaseServer(Kind::Postgres)
{ }

PostgresTestServer::~PostgresTestServer()
{
    shutdown();
}

QString PostgresTestServer::binDir()
{
    QDir root(QStringLiteral("/usr/lib/postgresql"));
    QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCollator collator;
    collator.setNumericMode(true);
    std::sort(versions.begin(), versions.end(), collator);
    for (auto it = versions.crbegin(); it != versions.crend(); ++it) {
        const QString bin = root.filePath(*it + QStringLiteral("/bin"));
        if (QFile::exists(bin + QStringLiteral("/postgres"))
            && QFile::exists(bin + QStringLiteral("/initdb")))
            return bin;
    }
    return {};
}

QString PostgresTestServer::socketDir() const
{
    return m_dir.filePath(QStringLiteral("sock"));
}

QString PostgresTestServer::dataDir() const
{
    return m_dir.filePath(QStringLiteral("data"));
}

QString PostgresTestServer::adminDriver() const
{
    return QStringLiteral("QPSQL");
}

void PostgresTestServer::configureAdmin(QSqlDatabase &db, const QString &database) const
{
    // The superuser comes in over the Unix socket, where initdb set trust.
    db.setHostName(socketDir());
    db.setPort(m_port);
    db.setUserName(QStringLiteral("postgres"));
    db.setDatabaseName(database);
}

bool PostgresTestServer::launch(QString *error)
{
    QElapsedTimer timer;
    timer.start();
    const QString bin = binDir();
    if (bin.isEmpty()) {
        *error = QStringLiteral("PostgreSQL server binaries (initdb, postgres) were not found "
                                "under /usr/lib/postgresql/<version>/bin: install the Debian "
                                "package postgresql-15 (scripts/setup.sh --tests does).");
        return false;
    }
    QDir().mkpath(dataDir());
    QDir().mkpath(socketDir());
    QFile::setPermissions(dataDir(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    // The run-as user must be able to traverse the temporary folder.
    if (!chownTree(m_dir.path(), QString::fromLatin1(kRunAs), error))
        return false;
    if (!run(bin + QStringLiteral("/initdb"),
             {QStringLiteral("-D"), dataDir(), QStringLiteral("-U"), QStringLiteral("postgres"),
              QStringLiteral("--auth-local=trust"), QStringLiteral("--auth-host=scram-sha-256"),
              QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--locale=C.UTF-8"),
              QStringLiteral("--no-sync"), QStringLiteral("--no-instructions")},
             QString::fromLatin1(kRunAs), error))
        return false;

    for (int attempt = 0; attempt < 3; ++attempt) {
        m_port = freePort();
        m_server.setStandardOutputFile(logPath(), QIODevice::Append);
        m_server.setStandardErrorFile(logPath(), QIODevice::Append);
        prepareChild(m_server, QString::fromLatin1(kRunAs));
        QStringList args {QStringLiteral("-D"),
                          dataDir(),
                          QStringLiteral("-p"),
                          QString::number(m_port),
                          QStringLiteral("-k"),
                          socketDir(),
                          QStringLiteral("-c"),
                          QStringLiteral("listen_addresses=127.0.0.1"),
                          QStringLiteral("-c"),
                          QStringLiteral("shared_preload_libraries=pg_stat_statements"),
                          QStringLiteral("-c"),
                          QStringLiteral("fsync=off"),
                          QStringLiteral("-c"),
                          QStringLiteral("synchronous_commit=off"),
                          QStringLiteral("-c"),
                          QStringLiteral("full_page_writes=off")};
        // Later -c options win: a test can turn a default off.
        for (const QString &setting : std::as_const(m_serverSettings))
            args << QStringLiteral("-c") << setting;
        m_server.start(bin + QStringLiteral("/postgres"), args);
        if (!m_server.waitForStarted(10000)) {
            *error
                = QStringLiteral("Cannot start %1/postgres: %2").arg(bin, m_server.errorString());
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

    if (!admin({QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2'").arg(user(), m_password),
                QStringLiteral("CREATE DATABASE %1 OWNER %2").arg(database(), user())},
               error, QStringLiteral("postgres")))
        return false;
    m_startupMs = timer.elapsed();
    return true;
}

bool PostgresTestServer::waitUntilReady(QString *error)
{
    // The postmaster writes "ready" as the 8th line of postmaster.pid once it
    // accepts connections; pg_ctl -w polls the same thing.
    const QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired()) {
        if (m_server.state() == QProcess::NotRunning) {
            QFile log(logPath());
            log.open(QIODevice::ReadOnly);
            *error = QStringLiteral("postgres exited during start-up: %1")
                         .arg(QString::fromUtf8(log.readAll()).right(2000));
            return false;
        }
        QFile pid(dataDir() + QStringLiteral("/postmaster.pid"));
        if (pid.open(QIODevice::ReadOnly)) {
            const QList<QByteArray> lines = pid.readAll().split('\n');
            if (lines.size() > 7 && lines.at(7).trimmed() == "ready")
                return true;
        }
        QThread::msleep(10);
    }
    *error = QStringLiteral("postgres did not become ready within 30 s (log: %1)").arg(logPath());
    return false;
}

void PostgresTestServer::shutdown()
{
    if (m_server.state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(m_server.processId()), SIGQUIT); // immediate shutdown
    if (!m_server.waitForFinished(10000)) {
        m_server.kill();
        m_server.waitForFinished(5000);
    }
}

} // namespace ktx::test
