#pragma once

#include "core/result.h"

#include <QList>

#include <functional>
#include <memory>

namespace ktx {

class DatabaseSession;

// Opens a new session on the calling thread (Qt SQL connections belong to the
// thread that opened them), e.g. [settings] { return DatabaseSession::open(settings); }.
using DatabaseSessionFactory = std::function<Result<std::unique_ptr<DatabaseSession>>()>;

// Runs work(session, index) for every index in [0, itemCount) on at most
// `concurrency` threads of a private pool; each worker opens its own session and
// pulls the next index until the items run out or `shouldStop` says so. With
// concurrency 1 everything runs on the calling thread. Blocks until done, so call
// it from a job, never from the GUI thread. `work` may be called concurrently for
// different indexes; it must only touch state of its own index.
class SessionWorkerPool
{
public:
    using Work = std::function<void(DatabaseSession &session, int index)>;

    struct Outcome
    {
        int workers = 0; // workers started
        int openedSessions = 0; // workers whose session opened
        QList<Error> openErrors; // one per worker that could not open a session
    };

    static Outcome run(int itemCount, int concurrency, const DatabaseSessionFactory &factory,
                       const std::function<bool()> &shouldStop, const Work &work);
};

} // namespace ktx
