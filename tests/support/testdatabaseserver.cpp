#include "testdatabaseserver.h"

#include "mariadbtestserver.h"
#include "postgrestestserver.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>

#include <atomic>
#include <csignal>

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace ktx::test {

namespace {

// Where data directories go: KTX_TEST_SERVER_DIR, else /dev/shm, else the temp
// folder. On tmpfs an fsync is free: MariaDB's install-db takes 0.7 s there and
// 4-5 s on a busy disk. Short paths: a Unix socket path must stay under ~107 bytes.
QString serverBaseDir()
{
    const QString configured = qEnvironmentVariable("KTX_TEST_SERVER_DIR");
    if (!configured.isEmpty())
        return configured;
    const QFileInfo shm(QStringLiteral("/dev/shm"));
    if (shm.isDir() && shm.isWritable())
        return shm.absoluteFilePath();
    return QDir::tempPath();
}

} // namespace

TestDatabaseServer::TestDatabaseServer(Kind kind)
    : m_kind(kind)
    , m_dir(serverBaseDir()
            + (kind == Kind::Postgres ? QStringLiteral("/ktxpg-XXXXXX")
                                      : QStringLiteral("/ktxmy-XXXXXX")))
{
    // Letters and digits only: the password goes into SQL and URLs unescaped.
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < 20; ++i)
        m_password += QLatin1Char(
            alphabet[QRandomGenerator::global()->bounded(int(sizeof(alphabet) - 1))]);
}

TestDatabaseServer::~TestDatabaseServer() = default;

std::unique_ptr<TestDatabaseServer> TestDatabaseServer::start(Kind kind, QString *error)
{
    return start(kind, {}, error);
}

std::unique_ptr<TestDatabaseServer>
TestDatabaseServer::start(Kind kind, const QStringList &serverSettings, QString *error)
{
    std::unique_ptr<TestDatabaseServer> server;
    if (kind == Kind::Postgres)
        server.reset(new PostgresTestServer);
    else
        server.reset(new MariaDbTestServer);
    if (!server->m_dir.isValid()) {
        *error = QStringLiteral("Cannot create a temporary directory: %1")
                     .arg(server->m_dir.errorString());
        return nullptr;
    }
    server->m_serverSettings = serverSettings;
    if (!server->launch(error))
        return nullptr;
    return server;
}

QString TestDatabaseServer::driver() const
{
    return m_kind == Kind::Postgres ? QStringLiteral("postgres") : QStringLiteral("mysql");
}

QString TestDatabaseServer::logPath() const
{
    return m_dir.filePath(QStringLiteral("server.log"));
}

bool TestDatabaseServer::isRoot()
{
    return ::geteuid() == 0;
}

int TestDatabaseServer::freePort()
{
    // Port 0 asks the kernel; the server binds it a moment later (a retry
    // covers the rare race with another process).
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

void TestDatabaseServer::prepareChild(QProcess &process, const QString &runAs) const
{
    uid_t uid = 0;
    gid_t gid = 0;
    const bool drop = isRoot() && !runAs.isEmpty();
    if (drop) {
        if (const passwd *pw = ::getpwnam(runAs.toLocal8Bit().constData())) {
            uid = pw->pw_uid;
            gid = pw->pw_gid;
        }
    }
    process.setWorkingDirectory(m_dir.path());
    process.setChildProcessModifier([drop, uid, gid]() {
        if (drop) {
            // The same as `runuser -u <user>`, without a PAM session in between.
            if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)
                ::_exit(126);
        }
        // Dies with the test even if the test crashes (set after setuid, which clears it).
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    });
}

bool TestDatabaseServer::run(const QString &program, const QStringList &args, const QString &runAs,
                             QString *error, int timeoutMs)
{
    QProcess process;
    prepareChild(process, runAs);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, args);
    if (!process.waitForFinished(timeoutMs) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        *error = QStringLiteral("%1 failed (exit %2): %3")
                     .arg(program)
                     .arg(process.exitCode())
                     .arg(QString::fromLocal8Bit(process.readAll()).trimmed().right(2000));
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(2000);
        }
        return false;
    }
    return true;
}

bool TestDatabaseServer::chownTree(const QString &path, const QString &user, QString *error) const
{
    if (!isRoot())
        return true;
    const passwd *pw = ::getpwnam(user.toLocal8Bit().constData());
    if (!pw) {
        *error = QStringLiteral("The system user \"%1\" does not exist.").arg(user);
        return false;
    }
    QStringList paths {path};
    QDirIterator it(path, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        paths << it.next();
    for (const QString &p : std::as_const(paths)) {
        if (::lchown(QFile::encodeName(p).constData(), pw->pw_uid, pw->pw_gid) != 0) {
            *error = QStringLiteral("Cannot hand %1 to user %2.").arg(p, user);
            return false;
        }
    }
    return true;
}

bool TestDatabaseServer::admin(const QStringList &statements, QString *error,
                               const QString &database)
{
    static std::atomic_int counter {0};
    const QString db = database.isEmpty() ? this->database() : database;
    const QString name = QStringLiteral("ktx-test-admin-%1-%2").arg(++counter).arg(db);
    bool ok = true;
    {
        QSqlDatabase connection = QSqlDatabase::addDatabase(adminDriver(), name);
        configureAdmin(connection, db);
        if (!connection.open()) {
            *error = QStringLiteral("admin connection to %1 failed: %2")
                         .arg(db, connection.lastError().text());
            ok = false;
        }
        for (const QString &statement : statements) {
            if (!ok)
                break;
            QSqlQuery query(connection);
            if (!query.exec(statement)) {
                *error
                    = QStringLiteral("%1\n  failed: %2").arg(statement, query.lastError().text());
                ok = false;
            }
        }
        connection.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

ConnectionSettings TestDatabaseServer::connectionSettings(const QString &connectionId) const
{
    ConnectionSettings s;
    s.connectionId = connectionId;
    s.driver = driver();
    s.host = host();
    s.port = m_port;
    s.database = database();
    s.user = user();
    s.password = m_password;
    s.schemas = m_kind == Kind::Postgres ? QStringList {QStringLiteral("public")}
                                         : QStringList {database()};
    return s;
}

} // namespace ktx::test
