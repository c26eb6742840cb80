#pragma once

#include "core/cancellationtoken.h"
#include "core/result.h"
#include "db/connectionsettings.h"
#include "db/queryresult.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

template<typename T> class QFutureWatcher;
class QTimer;

namespace ktx {

class QueryInterrupter;

// Runs one read-only query off the GUI thread and can really stop it: the
// worker opens its own DatabaseSession (sessions belong to their thread), and
// cancel() interrupts the statement on the server side (SQLite:
// sqlite3_interrupt on the session's handle; PostgreSQL: pg_cancel_backend from
// a second session; MySQL/MariaDB: KILL QUERY from a second session) instead
// of waiting for it to end. Starting again abandons the running query; its
// result, like that of a cancelled one, never arrives.
class QueryJob : public QObject
{
    Q_OBJECT

public:
    struct Outcome
    {
        enum class Status { Finished, Failed, Cancelled };
        Status status = Status::Failed;
        QueryResult result;
        Error error;
    };

    explicit QueryJob(QObject *parent = nullptr);
    ~QueryJob() override;

    void start(const ConnectionSettings &settings, const QString &sql, int maxRows);
    // Resolves connections.<connectionId> of <projectDir>/ktx.yaml on the worker
    // (it may read secret files), then runs as start() does.
    void startForConnection(const QString &projectDir, const QString &connectionId,
                            const QString &sql, int maxRows);
    void cancel();
    bool isRunning() const { return m_running; }

    // The whole job on the calling thread, for callers that already are on a
    // worker. `interrupter` may be null.
    static Outcome run(const ConnectionSettings &settings, const QString &sql, int maxRows,
                       const std::shared_ptr<QueryInterrupter> &interrupter);
    // run() for a caller on a worker whose cancellation arrives as a token (an
    // MCP tools/call the client cancelled or hung up on): once the token trips,
    // the running statement is interrupted on the server, as cancel() does.
    static Outcome run(const ConnectionSettings &settings, const QString &sql, int maxRows,
                       const CancellationToken &cancel);
    // The outcome as a result: a cancelled query is the error `cancelled`.
    static Result<QueryResult> toResult(Outcome outcome);

Q_SIGNALS:
    void finished(const ktx::QueryResult &result);
    void failed(const ktx::Error &error);
    void cancelled();
    void runningChanged(bool running);

private:
    void launch(std::function<Outcome(const std::shared_ptr<QueryInterrupter> &)> work);
    void deliver(const Outcome &outcome);
    void setRunning(bool running);

    std::shared_ptr<QueryInterrupter> m_interrupter;
    QFutureWatcher<Outcome> *m_watcher = nullptr;
    QTimer *m_reinterrupt = nullptr;
    bool m_running = false;
};

} // namespace ktx
