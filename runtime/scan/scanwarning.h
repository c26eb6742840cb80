#pragma once

#include "db/schemasnapshot.h"

#include <QJsonObject>
#include <QString>

namespace ktx {

// Something a scan could not do, reported next to its result instead of failing
// it: a table that could not be read, a validation query that failed, a budget
// that ran out. `table` is empty for warnings about the whole scan.
struct ScanWarning
{
    QString code; // profile_failed, validation_failed, session_failed, budget_exhausted, ...
    QString message;
    TableRef table;

    QJsonObject toJson() const;
};

} // namespace ktx
