#include "sources/contextsource.h"

// One line per parser: each source type registers itself here.

namespace ktx {

std::unique_ptr<ContextSourceParser> contextSourceParser(const QString &driver)
{
    Q_UNUSED(driver);
    return nullptr;
}

QStringList contextSourceDrivers()
{
    QStringList drivers;
    return drivers;
}

} // namespace ktx
