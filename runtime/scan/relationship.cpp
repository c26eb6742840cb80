#include "scan/relationship.h"

#include "scan/scanjson.h"

#include <QJsonArray>

namespace ktx {

namespace {

QJsonObject endJson(const RelationshipEnd &end)
{
    return {{QStringLiteral("table"), ScanJson::tableRef(end.table)},
            {QStringLiteral("columns"), QJsonArray::fromStringList(end.columns)}};
}

} // namespace

QString RelationshipEnd::key() const
{
    return table.displayName() + QStringLiteral(":(") + columns.join(QLatin1Char(','))
        + QLatin1Char(')');
}

double RelationshipValidation::coverage() const
{
    return childDistinct > 0 ? double(overlap) / double(childDistinct) : 0.0;
}

double RelationshipValidation::violationRatio() const
{
    return childDistinct > 0 ? double(violations) / double(childDistinct) : 0.0;
}

std::optional<double> RelationshipValidation::targetUniqueness() const
{
    if (parentRows < 0)
        return std::nullopt;
    return parentRows > 0 ? double(parentDistinct) / double(parentRows) : 0.0;
}

bool RelationshipValidation::sourceUnique() const
{
    return !childCapped && childRows > 0 && childRows == childDistinct;
}

QJsonObject RelationshipValidation::toJson() const
{
    QJsonObject object {
        {QStringLiteral("childDistinct"), childDistinct},
        {QStringLiteral("parentDistinct"), parentDistinct},
        {QStringLiteral("overlap"), overlap},
        {QStringLiteral("violations"), violations},
        {QStringLiteral("coverage"), ScanJson::rounded(coverage())},
        {QStringLiteral("violationRatio"), ScanJson::rounded(violationRatio())},
    };
    if (childRows >= 0)
        object.insert(QStringLiteral("childRows"), childRows);
    if (parentRows >= 0)
        object.insert(QStringLiteral("parentRows"), parentRows);
    if (childCapped)
        object.insert(QStringLiteral("childCapped"), true);
    return object;
}

QJsonObject RelationshipSignals::toJson() const
{
    QJsonObject object {
        {QStringLiteral("nameSimilarity"), ScanJson::rounded(nameSimilarity, 3)},
        {QStringLiteral("typeCompatibility"), ScanJson::rounded(typeCompatibility, 3)},
        {QStringLiteral("profileUniqueness"), ScanJson::rounded(profileUniqueness, 3)},
        {QStringLiteral("profileNullRate"), ScanJson::rounded(profileNullRate, 3)},
        {QStringLiteral("structuralPrior"), ScanJson::rounded(structuralPrior, 3)},
    };
    if (valueOverlap)
        object.insert(QStringLiteral("valueOverlap"), ScanJson::rounded(*valueOverlap, 3));
    if (embeddingSimilarity)
        object.insert(QStringLiteral("embeddingSimilarity"),
                      ScanJson::rounded(*embeddingSimilarity, 3));
    return object;
}

QString Relationship::id() const
{
    return from.key() + QStringLiteral("->") + to.key();
}

bool Relationship::sameColumnNames() const
{
    if (from.columns.size() != to.columns.size())
        return false;
    for (qsizetype i = 0; i < from.columns.size(); ++i) {
        if (from.columns.at(i).compare(to.columns.at(i), Qt::CaseInsensitive) != 0)
            return false;
    }
    return true;
}

QJsonObject Relationship::toJson() const
{
    QJsonObject object {
        {QStringLiteral("id"), id()},
        {QStringLiteral("from"), endJson(from)},
        {QStringLiteral("to"), endJson(to)},
        {QStringLiteral("source"), originName(origin)},
        {QStringLiteral("candidateSources"), QJsonArray::fromStringList(candidateSources)},
        {QStringLiteral("confidence"), ScanJson::rounded(confidence, 3)},
        {QStringLiteral("score"), ScanJson::rounded(score, 3)},
        {QStringLiteral("status"), statusName(status)},
        {QStringLiteral("reasons"), QJsonArray::fromStringList(reasons)},
        {QStringLiteral("relationship"), kindName(kind)},
    };
    object.insert(QStringLiteral("validation"),
                  validation ? QJsonValue(validation->toJson()) : QJsonValue(QJsonValue::Null));
    if (origin == Origin::Inferred) {
        object.insert(QStringLiteral("signals"), scoringSignals.toJson());
        object.insert(QStringLiteral("targetKeyScore"), ScanJson::rounded(targetKeyScore, 3));
    }
    if (!constraintName.isEmpty())
        object.insert(QStringLiteral("constraintName"), constraintName);
    return object;
}

QString Relationship::originName(Origin origin)
{
    return origin == Origin::Formal ? QStringLiteral("formal") : QStringLiteral("inferred");
}

QString Relationship::statusName(Status status)
{
    switch (status) {
    case Status::Accepted:
        return QStringLiteral("accepted");
    case Status::Review:
        return QStringLiteral("review");
    case Status::Rejected:
        return QStringLiteral("rejected");
    }
    return {};
}

QString Relationship::kindName(Kind kind)
{
    return kind == Kind::OneToOne ? QStringLiteral("one_to_one") : QStringLiteral("many_to_one");
}

} // namespace ktx
