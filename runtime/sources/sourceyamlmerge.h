#pragma once

#include "project/yamlnode.h"
#include "project/yamlvalue.h"
#include "semantic/semanticsource.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QSet>
#include <QString>

#include <functional>

namespace ktx {

// Merging a context source's facts into a semantic-layer file someone else
// (the scan, dbt, a person) already wrote: lists of named entries merge by
// their key, mappings key by key, and everything not named stays as it is.
namespace SourceYamlMerge {

YamlValue valueOf(const YamlNode &node);
const YamlValue *entry(const YamlValue &map, const QString &key);
// `over` merged into `base`; for anything but two mappings, `over` wins.
YamlValue mergeValue(const YamlValue &base, const YamlValue &over);
// The existing list with ours merged into its entries of the same key, and
// the rest of ours appended in order.
YamlValue mergeList(const YamlNode *existing, const QList<YamlValue> &ours,
                    const std::function<QString(const YamlValue &)> &key);
QString nameOf(const YamlValue &entry); // a list entry's `name`
QString joinKey(const YamlValue &join); // `to` + `alias`
// The path of the file in `folder` (outside _schema/) that declares `source`, or empty.
QString existingSourceFile(const QMap<QString, QByteArray> &files, const QString &folder,
                           const QString &source);

// The warehouse's tables as `folder` (semantic-layer/<warehouse>/) describes
// them, by lower-case full name and by bare last name part: the manifest
// entries of its _schema/ shards and, for projects ktx scanned itself, its
// standalone table sources. A manifest entry wins over a source of the same
// table, a full name over a bare one.
QHash<QString, SemanticSource> warehouseTables(const QMap<QString, QByteArray> &files,
                                               const QString &folder);

// ktx reads an unqualified name in a measure that is also a measure of the
// source as a reference to that measure; MetricFlow and LookML routinely name a
// measure after its column (`revenue: SUM(revenue)`), so such a column is
// written qualified (`SUM(orders.revenue)`) to stay a column.
QString qualifyMeasureNames(const QString &expr, const QString &source,
                            const QSet<QString> &measureNames);

} // namespace SourceYamlMerge

} // namespace ktx
