#pragma once

#include "project/setupprogress.h"

#include <QObject>

#include <memory>

namespace ktx {

// Saves the wizard's SetupProgress off the GUI thread (the atomic write fsyncs).
// Saves are serialised and coalesced: while one is on disk-bound work, only the
// newest pending snapshot is kept, so a burst of page changes costs at most two
// writes and they land in order. A save that is already queued finishes even if
// the writer (and the wizard) is destroyed meanwhile.
class SetupProgressWriter : public QObject
{
    Q_OBJECT

public:
    explicit SetupProgressWriter(QObject *parent = nullptr);
    ~SetupProgressWriter() override;

    void save(const QString &projectDir, const SetupProgress &progress);

private:
    struct Queue;
    std::shared_ptr<Queue> m_queue;
};

} // namespace ktx
