#pragma once

#include "db/schemasnapshot.h"

#include <QJsonObject>

namespace ktx {

// JSON spellings shared by the scan result types.
namespace ScanJson {

QJsonObject tableRef(const TableRef &ref); // {catalog, db, name}
double rounded(double value, int decimals = 4);

} // namespace ScanJson

} // namespace ktx
