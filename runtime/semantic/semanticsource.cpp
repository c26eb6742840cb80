#include "semantic/semanticsource.h"

namespace ktx {

QString SourceColumn::visibilityName(Visibility v)
{
    switch (v) {
    case Visibility::Internal:
        return QStringLiteral("internal");
    case Visibility::Hidden:
        return QStringLiteral("hidden");
    case Visibility::Public:
        break;
    }
    return QStringLiteral("public");
}

const SourceColumn *SemanticSource::column(const QString &columnName) const
{
    for (const SourceColumn &c : columns) {
        if (c.name == columnName)
            return &c;
    }
    return nullptr;
}

const SourceMeasure *SemanticSource::measure(const QString &measureName) const
{
    for (const SourceMeasure &m : measures) {
        if (m.name == measureName)
            return &m;
    }
    return nullptr;
}

const SourceSegment *SemanticSource::segment(const QString &segmentName) const
{
    for (const SourceSegment &s : segments) {
        if (s.name == segmentName)
            return &s;
    }
    return nullptr;
}

QString SemanticSource::resolveDescription(const QMap<QString, QString> &descriptions)
{
    for (const char *origin : {"user", "ai", "dbt", "db"}) {
        const QString text = descriptions.value(QString::fromLatin1(origin));
        if (!text.isEmpty())
            return text;
    }
    for (const QString &text : descriptions) {
        if (!text.isEmpty())
            return text;
    }
    return {};
}

} // namespace ktx
