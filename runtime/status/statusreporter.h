#pragma once

#include "status/statusreport.h"

namespace ktx {

// Computes a StatusReport from the project's files. Blocking and thread-safe:
// call it on a worker thread (the dashboard) or directly (the CLI).
class StatusReporter
{
public:
    static StatusReport compute(const QString &projectDir);

    // Replaces a readiness line ("llm", "embeddings") with what a live probe
    // found (status itself never touches the network) and decides the verdict again.
    static void applyProbe(StatusReport &report, const QString &lineId, bool ok,
                           const QString &detail, const QString &remediation);

private:
    static void decideVerdict(StatusReport &report, const QStringList &databases);
};

} // namespace ktx
