#include "projectcreationtask.h"

#include "core/result.h"
#include "demo/demoproject.h"
#include "project/projectscaffold.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace ktx {

ProjectCreationTask::ProjectCreationTask(QObject *parent)
    : QObject(parent)
{ }

bool ProjectCreationTask::start(const Request &request)
{
    if (m_running)
        return false;
    m_running = true;
    Q_EMIT runningChanged(true);

    auto *watcher = new QFutureWatcher<Result<void>>(this);
    connect(watcher, &QFutureWatcher<Result<void>>::finished, this, [this, watcher, request] {
        const Result<void> result = watcher->result();
        watcher->deleteLater();
        m_running = false;
        Q_EMIT runningChanged(false);
        Q_EMIT finished(request.dir, result.ok() ? QString() : result.error().toText());
    });
    watcher->setFuture(QtConcurrent::run([request]() -> Result<void> {
        if (request.kind == Request::Kind::Demo)
            return DemoProject::create(request.dir);
        ProjectScaffold::Options options;
        options.name = request.name;
        options.allowNonEmpty = request.allowNonEmpty;
        return ProjectScaffold::create(request.dir, options);
    }));
    return true;
}

} // namespace ktx
