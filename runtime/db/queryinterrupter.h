#pragma once

#include "db/connectionsettings.h"

#include <QMutex>
#include <QString>

#include <atomic>

struct sqlite3;

namespace ktx {

class DatabaseSession;

// The part of a running query another thread may touch to stop it. The worker
// registers its session once it is open and unregisters it before closing it;
// interrupt() may come at any time from any thread. Stopping works per driver:
// SQLite's sqlite3_interrupt() is thread-safe on an open handle; PostgreSQL and
// MySQL/MariaDB get a cancel from a second, short-lived session, since their
// connections belong to the worker's thread.
class QueryInterrupter
{
public:
    QueryInterrupter() = default;
    QueryInterrupter(const QueryInterrupter &) = delete;
    QueryInterrupter &operator=(const QueryInterrupter &) = delete;

    bool isCancelled() const { return m_cancelled.load(); }

    // Worker side. attach() reads the server-side id of the session (PostgreSQL
    // backend pid, MySQL connection id) with one small query.
    void attach(DatabaseSession *session);
    void detach();

    // Any thread: marks the job cancelled and stops the running statement. Safe
    // to call repeatedly (a statement that had not started yet when the first
    // call came is caught by the next).
    void interrupt();

private:
    QMutex m_mutex;
    std::atomic_bool m_cancelled {false};
    sqlite3 *m_sqlite = nullptr;
    ConnectionSettings m_settings;
    qint64 m_serverId = 0; // PostgreSQL pid / MySQL connection id; 0: none
    bool m_remoteCancelSent = false;
};

} // namespace ktx
