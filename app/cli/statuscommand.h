#pragma once

#include <QStringList>

namespace ktx {

class CliContext;

// `ktx status [--json] [--validate]`: readiness from local state only.
class StatusCommand
{
public:
    static int run(CliContext &context, const QStringList &args);
};

} // namespace ktx
