#pragma once

#include "status/statusreport.h"

namespace ktx {

// Computes a StatusReport from the project's files. Blocking and thread-safe:
// call it on a worker thread (the dashboard) or directly (the CLI).
class StatusReporter
{
public:
    static StatusReport compute(const QString &projectDir);
};

} // namespace ktx
