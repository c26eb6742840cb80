#pragma once

#include <QStringList>

namespace ktx {

class CliContext;

// `ktx setup --no-input [flags]`: creates or updates a project from flags.
// The interactive setup is the desktop wizard (`ktx-desktop --wizard`).
class SetupCommand
{
public:
    static int run(CliContext &context, const QStringList &args);
};

} // namespace ktx
