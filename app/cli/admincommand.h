#pragma once

#include <QStringList>

namespace ktx {

class CliContext;

// `ktx admin init [directory]` and `ktx admin demo [directory]`.
class AdminCommand
{
public:
    static int run(CliContext &context, const QStringList &args);
};

} // namespace ktx
