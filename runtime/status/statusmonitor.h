#pragma once

#include "status/statusreport.h"

#include <QObject>
#include <QString>

#include <atomic>

class QFileSystemWatcher;
class QTimer;

namespace ktx {

// Keeps a StatusReport current for one project: computes it on the thread pool,
// recomputes when ktx.yaml (or the project's top-level folders) change on disk,
// coalesces bursts of changes, and drops results of computations that a newer
// one has replaced. Lives in the GUI thread; never blocks it.
class StatusMonitor : public QObject
{
    Q_OBJECT

public:
    explicit StatusMonitor(QObject *parent = nullptr);
    ~StatusMonitor() override;

    QString projectDir() const { return m_projectDir; }
    bool isBusy() const { return m_busy; }

public Q_SLOTS:
    void setProjectDir(const QString &dir); // starts a computation
    void refresh();

Q_SIGNALS:
    void reportReady(const ktx::StatusReport &report);
    void busyChanged(bool busy);

private:
    void scheduleRefresh();
    void rewatch();
    void setBusy(bool busy);

    QString m_projectDir;
    QFileSystemWatcher *m_watcher = nullptr;
    QTimer *m_debounce = nullptr;
    std::atomic<quint64> m_generation {0};
    int m_running = 0;
    bool m_busy = false;
};

} // namespace ktx

Q_DECLARE_METATYPE(ktx::StatusReport)
