#include "scan/sessionworkerpool.h"

#include "db/databasesession.h"

#include <QFuture>
#include <QMutex>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <atomic>

namespace ktx {

SessionWorkerPool::Outcome SessionWorkerPool::run(int itemCount, int concurrency,
                                                  const DatabaseSessionFactory &factory,
                                                  const std::function<bool()> &shouldStop,
                                                  const Work &work)
{
    Outcome outcome;
    if (itemCount <= 0 || !factory)
        return outcome;
    outcome.workers = std::clamp(concurrency, 1, itemCount);

    std::atomic_int next {0};
    std::atomic_int opened {0};
    QMutex errorsMutex;
    const auto worker = [&] {
        if (shouldStop && shouldStop())
            return;
        Result<std::unique_ptr<DatabaseSession>> session = factory();
        if (!session.ok() || !session.value()) {
            const QMutexLocker locker(&errorsMutex);
            outcome.openErrors.append(session.ok()
                                          ? makeError(QStringLiteral("session_failed"),
                                                      QStringLiteral("No database session."))
                                          : session.error());
            return;
        }
        opened.fetch_add(1);
        for (;;) {
            if (shouldStop && shouldStop())
                break;
            const int index = next.fetch_add(1);
            if (index >= itemCount)
                break;
            work(*session.value(), index);
        }
        // The session closes here, on the thread that opened it.
    };

    if (outcome.workers == 1) {
        worker();
    } else {
        // A private pool: a long scan must not starve other users of the global pool.
        QThreadPool pool;
        pool.setMaxThreadCount(outcome.workers);
        QList<QFuture<void>> futures;
        for (int i = 0; i < outcome.workers; ++i)
            futures.append(QtConcurrent::run(&pool, worker));
        for (QFuture<void> &future : futures)
            future.waitForFinished();
    }
    outcome.openedSessions = opened.load();
    return outcome;
}

} // namespace ktx
