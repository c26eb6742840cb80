#include "sources/contextsource.h"

#include <QJsonArray>

namespace ktx {

QJsonObject SourceFileIssue::toJson() const
{
    QJsonObject o {{QStringLiteral("path"), path}, {QStringLiteral("message"), message}};
    if (line > 0)
        o.insert(QStringLiteral("line"), line);
    if (column > 0)
        o.insert(QStringLiteral("column"), column);
    return o;
}

QJsonObject SkippedItem::toJson() const
{
    QJsonObject o {{QStringLiteral("item"), item}, {QStringLiteral("reason"), reason}};
    if (!path.isEmpty())
        o.insert(QStringLiteral("path"), path);
    if (line > 0)
        o.insert(QStringLiteral("line"), line);
    return o;
}

QJsonObject ContextSourceReport::toJson() const
{
    QJsonArray skippedJson;
    for (const SkippedItem &s : skipped)
        skippedJson.append(s.toJson());
    QJsonArray errorsJson;
    for (const SourceFileIssue &e : errors)
        errorsJson.append(e.toJson());
    return {{QStringLiteral("driver"), driver},
            {QStringLiteral("filesRead"), QJsonArray::fromStringList(filesRead)},
            {QStringLiteral("models"), models},
            {QStringLiteral("sourceTables"), sourceTables},
            {QStringLiteral("metrics"), metrics},
            {QStringLiteral("views"), views},
            {QStringLiteral("explores"), explores},
            {QStringLiteral("sources"), QJsonArray::fromStringList(sources)},
            {QStringLiteral("measures"), measures},
            {QStringLiteral("joins"), joins},
            {QStringLiteral("wikiPages"), QJsonArray::fromStringList(wikiPages)},
            {QStringLiteral("skipped"), skippedJson},
            {QStringLiteral("errors"), errorsJson}};
}

} // namespace ktx
