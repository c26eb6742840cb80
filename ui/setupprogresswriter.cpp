#include "setupprogresswriter.h"

#include <QMutex>
#include <QtConcurrent/QtConcurrentRun>

#include <optional>

namespace ktx {

struct SetupProgressWriter::Queue
{
    struct Item
    {
        QString projectDir;
        SetupProgress progress;
    };

    QMutex mutex;
    std::optional<Item> pending;
    bool draining = false;
};

SetupProgressWriter::SetupProgressWriter(QObject *parent)
    : QObject(parent)
    , m_queue(std::make_shared<Queue>())
{ }

SetupProgressWriter::~SetupProgressWriter() = default;

void SetupProgressWriter::save(const QString &projectDir, const SetupProgress &progress)
{
    {
        QMutexLocker locker(&m_queue->mutex);
        m_queue->pending = Queue::Item {projectDir, progress};
        if (m_queue->draining)
            return;
        m_queue->draining = true;
    }
    // The worker owns a reference to the queue, so it drains it to the end even
    // if this writer is gone; there is nothing to report back to but the log.
    (void)QtConcurrent::run([queue = m_queue] {
        for (;;) {
            std::optional<Queue::Item> item;
            {
                QMutexLocker locker(&queue->mutex);
                item.swap(queue->pending);
                if (!item) {
                    queue->draining = false;
                    return;
                }
            }
            const Result<void> saved = item->progress.save(item->projectDir);
            if (!saved.ok())
                qWarning("Could not save setup progress: %s", qPrintable(saved.error().toText()));
        }
    });
}

} // namespace ktx
