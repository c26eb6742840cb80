#include "queryjob.h"

#include "db/databasesession.h"
#include "db/queryinterrupter.h"
#include "db/readonlysqlguard.h"
#include "project/configloader.h"
#include "project/projectconfig.h"

#include <QDir>
#include <QFutureWatcher>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace ktx {

namespace {

// A statement that had not started when cancel() came ignores that interrupt;
// repeating it until the worker returns catches it.
constexpr int ReinterruptMs = 100;

QueryJob::Outcome failure(Error error)
{
    QueryJob::Outcome outcome;
    outcome.status = QueryJob::Outcome::Status::Failed;
    outcome.error = std::move(error);
    return outcome;
}

QueryJob::Outcome cancelledOutcome()
{
    QueryJob::Outcome outcome;
    outcome.status = QueryJob::Outcome::Status::Cancelled;
    return outcome;
}

} // namespace

QueryJob::QueryJob(QObject *parent)
    : QObject(parent)
    , m_reinterrupt(new QTimer(this))
{
    m_reinterrupt->setInterval(ReinterruptMs);
    connect(m_reinterrupt, &QTimer::timeout, this, [this] {
        if (m_interrupter)
            m_interrupter->interrupt();
    });
}

QueryJob::~QueryJob()
{
    // The worker may outlive us; it holds its own reference to the interrupter.
    if (m_interrupter)
        m_interrupter->interrupt();
}

QueryJob::Outcome QueryJob::run(const ConnectionSettings &settings, const QString &sql, int maxRows,
                                const std::shared_ptr<QueryInterrupter> &interrupter)
{
    // The guard answers before any connection is opened, with its own message.
    Result<QString> checked = ReadOnlySqlGuard::check(sql, settings.driver);
    if (!checked.ok())
        return failure(checked.error());
    if (interrupter && interrupter->isCancelled())
        return cancelledOutcome();
    Result<std::unique_ptr<DatabaseSession>> session = DatabaseSession::open(settings);
    if (!session.ok())
        return failure(session.error());
    if (interrupter)
        interrupter->attach(session->get());
    Outcome outcome;
    if (!interrupter || !interrupter->isCancelled()) {
        Result<QueryResult> result = (*session)->query(sql, maxRows);
        if (result.ok()) {
            outcome.status = Outcome::Status::Finished;
            outcome.result = std::move(result.value());
        } else {
            outcome = failure(result.error());
        }
    }
    if (interrupter) {
        interrupter->detach();
        // Whatever the statement returned after a cancel (an "interrupted" error,
        // partial rows) is not the answer to the query.
        if (interrupter->isCancelled())
            outcome = cancelledOutcome();
    }
    return outcome;
}

QueryJob::Outcome QueryJob::run(const ConnectionSettings &settings, const QString &sql, int maxRows,
                                const CancellationToken &cancel)
{
    auto interrupter = std::make_shared<QueryInterrupter>();
    // A token has no callback, so a small watcher polls it while the statement
    // runs and keeps interrupting after it trips (a statement that had not
    // started yet ignores the first interrupt).
    std::mutex mutex;
    std::condition_variable wake;
    bool done = false;
    std::thread watcher([&] {
        std::unique_lock lock(mutex);
        while (!done) {
            if (cancel.isCancelled())
                interrupter->interrupt();
            wake.wait_for(lock,
                          std::chrono::milliseconds(cancel.isCancelled() ? ReinterruptMs : 50));
        }
    });
    Outcome outcome = run(settings, sql, maxRows, interrupter);
    {
        std::lock_guard lock(mutex);
        done = true;
    }
    wake.notify_one();
    watcher.join();
    if (cancel.isCancelled())
        outcome = cancelledOutcome();
    return outcome;
}

Result<QueryResult> QueryJob::toResult(Outcome outcome)
{
    switch (outcome.status) {
    case Outcome::Status::Finished:
        return std::move(outcome.result);
    case Outcome::Status::Failed:
        return std::move(outcome.error);
    case Outcome::Status::Cancelled:
        break;
    }
    return makeError(QStringLiteral("cancelled"),
                     QStringLiteral("The query was cancelled and stopped on the server."));
}

void QueryJob::start(const ConnectionSettings &settings, const QString &sql, int maxRows)
{
    launch([settings, sql, maxRows](const std::shared_ptr<QueryInterrupter> &interrupter) {
        return run(settings, sql, maxRows, interrupter);
    });
}

void QueryJob::startForConnection(const QString &projectDir, const QString &connectionId,
                                  const QString &sql, int maxRows)
{
    launch([projectDir, connectionId, sql,
            maxRows](const std::shared_ptr<QueryInterrupter> &interrupter) {
        Result<LoadedConfig> loaded
            = ConfigLoader::loadFile(QDir(projectDir).filePath(QStringLiteral("ktx.yaml")));
        if (!loaded.ok())
            return failure(loaded.error());
        const ConnectionConfig *config = loaded->config.connection(connectionId);
        if (!config)
            return failure(makeError(
                QStringLiteral("connection_not_found"),
                QStringLiteral("Connection \"%1\" is not configured in ktx.yaml").arg(connectionId),
                QStringLiteral("Add it with the setup wizard, or pick another connection.")));
        Result<ConnectionSettings> settings = ConnectionSettings::fromConfig(*config, projectDir);
        if (!settings.ok())
            return failure(settings.error());
        return run(*settings, sql, maxRows, interrupter);
    });
}

void QueryJob::launch(std::function<Outcome(const std::shared_ptr<QueryInterrupter> &)> work)
{
    // A running query is abandoned: interrupted, and its watcher (with any
    // result still to come) dropped.
    if (m_interrupter)
        m_interrupter->interrupt();
    if (m_watcher) {
        m_watcher->disconnect(this);
        m_watcher->deleteLater();
        m_watcher = nullptr;
    }
    m_reinterrupt->stop();
    auto interrupter = std::make_shared<QueryInterrupter>();
    m_interrupter = interrupter;
    auto *watcher = new QFutureWatcher<Outcome>(this);
    m_watcher = watcher;
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher] {
        watcher->deleteLater();
        if (watcher != m_watcher)
            return;
        m_watcher = nullptr;
        m_reinterrupt->stop();
        deliver(watcher->result());
    });
    setRunning(true);
    watcher->setFuture(
        QtConcurrent::run([work = std::move(work), interrupter] { return work(interrupter); }));
}

void QueryJob::cancel()
{
    if (!m_running || !m_interrupter)
        return;
    m_interrupter->interrupt();
    m_reinterrupt->start();
}

void QueryJob::deliver(const Outcome &outcome)
{
    setRunning(false);
    switch (outcome.status) {
    case Outcome::Status::Finished:
        Q_EMIT finished(outcome.result);
        break;
    case Outcome::Status::Failed:
        Q_EMIT failed(outcome.error);
        break;
    case Outcome::Status::Cancelled:
        Q_EMIT cancelled();
        break;
    }
}

void QueryJob::setRunning(bool running)
{
    if (m_running == running)
        return;
    m_running = running;
    Q_EMIT runningChanged(running);
}

} // namespace ktx
