#include "status/statusmonitor.h"

#include "status/statusreporter.h"

#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent>

namespace ktx {

namespace {
// File events arrive in bursts (an editor's save is write + rename + chmod);
// one recomputation per burst is enough.
constexpr int kDebounceMs = 120;
} // namespace

StatusMonitor::StatusMonitor(QObject *parent)
    : QObject(parent)
    , m_watcher(new QFileSystemWatcher(this))
    , m_debounce(new QTimer(this))
{
    qRegisterMetaType<ktx::StatusReport>();
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);
    connect(m_debounce, &QTimer::timeout, this, &StatusMonitor::refresh);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &StatusMonitor::scheduleRefresh);
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this,
            &StatusMonitor::scheduleRefresh);
}

StatusMonitor::~StatusMonitor()
{
    // Results of running computations are dropped: the generation no longer matches
    // and the QPointer guard below is null.
    ++m_generation;
}

void StatusMonitor::setProjectDir(const QString &dir)
{
    m_projectDir = dir.isEmpty() ? QString() : QDir::cleanPath(QDir(dir).absolutePath());
    rewatch();
    refresh();
}

void StatusMonitor::scheduleRefresh()
{
    m_debounce->start();
}

void StatusMonitor::rewatch()
{
    if (!m_watcher->files().isEmpty())
        m_watcher->removePaths(m_watcher->files());
    if (!m_watcher->directories().isEmpty())
        m_watcher->removePaths(m_watcher->directories());
    if (m_projectDir.isEmpty())
        return;
    // ktx.yaml is replaced by rename on every atomic save, which drops the file
    // watch; watching the folders catches the new file and any layer change.
    QStringList paths {m_projectDir};
    const QDir root(m_projectDir);
    for (const char *sub : {"semantic-layer", "wiki/global", ".ktx", ".ktx/setup", ".ktx/agents"}) {
        const QString path = root.filePath(QString::fromLatin1(sub));
        if (QFileInfo(path).isDir())
            paths << path;
    }
    const QString config = root.filePath(QStringLiteral("ktx.yaml"));
    if (QFileInfo::exists(config))
        paths << config;
    m_watcher->addPaths(paths);
}

void StatusMonitor::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

void StatusMonitor::refresh()
{
    rewatch();
    if (m_projectDir.isEmpty())
        return;
    const quint64 generation = ++m_generation;
    const QString dir = m_projectDir;
    ++m_running;
    setBusy(true);
    QPointer<StatusMonitor> guard(this);
    // Stale results (an older generation) are dropped when they arrive.
    QFuture<StatusReport> future
        = QtConcurrent::run([dir] { return StatusReporter::compute(dir); });
    future.then(this, [this, guard, generation](const StatusReport &report) {
        if (!guard)
            return;
        --m_running;
        if (m_running == 0)
            setBusy(false);
        if (generation == m_generation.load())
            Q_EMIT reportReady(report);
    });
}

} // namespace ktx
