#pragma once

#include <QObject>
#include <QString>

namespace ktx {

// Creates a project (ProjectScaffold) or the demo project (DemoProject) on the
// thread pool — both do disk and git work — and reports back in the owner's
// thread. The watcher is a child of this object: if the owner goes away first,
// the result is dropped instead of landing on a dead widget.
class ProjectCreationTask : public QObject
{
    Q_OBJECT

public:
    struct Request
    {
        enum class Kind { NewProject, Demo };
        Kind kind = Kind::NewProject;
        QString dir;
        QString name; // NewProject only; empty = folder name
        bool allowNonEmpty = false; // NewProject only
    };

    explicit ProjectCreationTask(QObject *parent = nullptr);

    bool isRunning() const { return m_running; }
    // Returns false (and does nothing) while a creation is running.
    bool start(const Request &request);

Q_SIGNALS:
    void runningChanged(bool running);
    // errorText is empty on success; otherwise the runtime's message and hint.
    void finished(const QString &dir, const QString &errorText);

private:
    bool m_running = false;
};

} // namespace ktx
