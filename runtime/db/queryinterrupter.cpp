#include "queryinterrupter.h"

#include "db/databasesession.h"
#include "db/qtsqlsession.h"

#include <QMutexLocker>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QThread>

#include <sqlite3.h>

namespace ktx {

namespace {

bool isPostgres(const QString &driver)
{
    return driver == QLatin1String("postgres") || driver == QLatin1String("postgresql");
}

bool isMysql(const QString &driver)
{
    return driver == QLatin1String("mysql") || driver == QLatin1String("mariadb");
}

// A second session asks the server to stop the first one's statement. It runs
// on its own short-lived thread: the caller is usually the GUI thread, and
// connecting may take up to the connect timeout.
void sendRemoteCancel(const ConnectionSettings &settings, qint64 serverId)
{
    QThread *thread = QThread::create([settings, serverId] {
        Result<std::unique_ptr<DatabaseSession>> side = DatabaseSession::open(settings);
        if (!side.ok())
            return;
        auto *qt = dynamic_cast<QtSqlSession *>(side->get());
        if (!qt)
            return;
        // ReadOnlySqlGuard rightly refuses both statements (they act on the
        // server), so they go straight to this side session's own connection.
        // A read-only transaction allows them, and a role may cancel its own
        // backends.
        const QString sql = isPostgres(settings.driver)
            ? QStringLiteral("SELECT pg_cancel_backend(%1)").arg(serverId)
            : QStringLiteral("KILL QUERY %1").arg(serverId);
        QSqlQuery cancel(QSqlDatabase::database(qt->connectionName(), false));
        (void)cancel.exec(sql);
    });
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

} // namespace

void QueryInterrupter::attach(DatabaseSession *session)
{
    sqlite3 *handle = nullptr;
    qint64 serverId = 0;
    const QString driver = session->settings().driver;
    if (auto *qt = dynamic_cast<QtSqlSession *>(session)) {
        // The session was opened on this thread, so its QSqlDatabase is visible here.
        const QVariant v = QSqlDatabase::database(qt->connectionName(), false).driver()->handle();
        if (v.isValid() && qstrcmp(v.typeName(), "sqlite3*") == 0)
            handle = *static_cast<sqlite3 *const *>(v.constData());
    }
    if (!handle && (isPostgres(driver) || isMysql(driver))) {
        const QString sql = isPostgres(driver) ? QStringLiteral("SELECT pg_backend_pid()")
                                               : QStringLiteral("SELECT CONNECTION_ID()");
        Result<QueryResult> id = session->query(sql, 1);
        if (id.ok() && !id->rows.isEmpty() && !id->rows.first().isEmpty())
            serverId = id->rows.first().first().toLongLong();
    }
    QMutexLocker lock(&m_mutex);
    m_sqlite = handle;
    m_settings = session->settings();
    m_serverId = serverId;
    m_remoteCancelSent = false;
}

void QueryInterrupter::detach()
{
    QMutexLocker lock(&m_mutex);
    m_sqlite = nullptr;
    m_serverId = 0;
}

void QueryInterrupter::interrupt()
{
    m_cancelled.store(true);
    QMutexLocker lock(&m_mutex);
    // The handle stays open while it is attached: detach() takes the same lock
    // before the worker closes the session.
    if (m_sqlite)
        sqlite3_interrupt(m_sqlite);
    if (m_serverId > 0 && !m_remoteCancelSent) {
        m_remoteCancelSent = true;
        sendRemoteCancel(m_settings, m_serverId);
    }
}

} // namespace ktx
