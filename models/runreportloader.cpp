#include "models/runreportloader.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace ktx {

RunReportData RunReportData::read(const QString &projectDir, const QString &runId)
{
    RunReportData data;
    data.projectDir = projectDir;
    data.runId = runId;
    auto store = RunStore::open(projectDir);
    if (!store.ok()) {
        data.error = store.error().message;
        return data;
    }
    data.record = (*store)->run(runId);
    if (!data.record)
        return data;
    data.report = (*store)->report(runId);
    // A note's report is the generic pipeline's; what it captured (pages,
    // sources, cross references) is worked out as memory_ingest_status does.
    if (data.record->sourceKey == QLatin1String("text-memory"))
        data.captured = TextMemoryIngest::statusOf(*data.record,
                                                   data.report.value_or(QJsonObject()), projectDir);
    return data;
}

RunReportLoader::RunReportLoader(QObject *parent)
    : QObject(parent)
{ }

void RunReportLoader::load(const QString &projectDir, const QString &runId)
{
    const quint64 generation = ++m_generation;
    m_loading = true;
    m_runId = runId;
    auto *watcher = new QFutureWatcher<RunReportData>(this);
    connect(watcher, &QFutureWatcher<RunReportData>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_loading = false;
        Q_EMIT loaded(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(&RunReportData::read, projectDir, runId));
}

void RunReportLoader::clear()
{
    ++m_generation;
    m_loading = false;
    m_runId.clear();
}

} // namespace ktx
