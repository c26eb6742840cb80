#include "scan/relationshipscorer.h"

#include "db/schemasnapshot.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace ktx {

namespace {

double round3(double value)
{
    return std::round(value * 1000.0) / 1000.0;
}

QString familyOfTypeName(const QString &rawType)
{
    const QString type = rawType.trimmed().toLower();
    if (type.isEmpty())
        return {};
    if (type.contains(u"uuid") || type.contains(u"uniqueidentifier"))
        return QStringLiteral("uuid");
    if (type.startsWith(u"bool") || type == u"bit" || type == u"tinyint(1)")
        return QStringLiteral("boolean");
    if (type.startsWith(u"interval") || type.startsWith(u"date") || type.startsWith(u"time")
        || type.contains(u"timestamp"))
        return QStringLiteral("time");
    static const QRegularExpression integer(QStringLiteral(
        "^(int|integer|bigint|smallint|tinyint|mediumint|serial|bigserial|smallserial|int2|int4|"
        "int8|long|unsigned|signed)\\b"));
    if (integer.match(type).hasMatch())
        return QStringLiteral("integer");
    // numeric(12,0) / decimal(20) hold integers: keys in some warehouses.
    static const QRegularExpression wholeDecimal(
        QStringLiteral("^(numeric|decimal|number)\\s*\\(\\s*\\d+\\s*(,\\s*0\\s*)?\\)"));
    if (wholeDecimal.match(type).hasMatch())
        return QStringLiteral("integer");
    static const QRegularExpression decimal(
        QStringLiteral("^(numeric|decimal|number|real|double|float|money|smallmoney)"));
    if (decimal.match(type).hasMatch())
        return QStringLiteral("decimal");
    static const QRegularExpression text(
        QStringLiteral("(char|text|string|clob|citext|enum|name|varchar|nvarchar|character)"));
    if (text.match(type).hasMatch())
        return QStringLiteral("string");
    if (type.contains(u"blob") || type.contains(u"bytea") || type.contains(u"binary"))
        return QStringLiteral("binary");
    return QStringLiteral("other");
}

} // namespace

double RelationshipScorer::confidence(const RelationshipSignals &signals)
{
    return confidence(signals, Weights());
}

double RelationshipScorer::confidence(const RelationshipSignals &signals, const Weights &weights)
{
    if (signals.typeCompatibility <= 0.0)
        return 0.0;
    double weighted = 0.0;
    double total = 0.0;
    const auto add = [&](double weight, double value) {
        weighted += weight * std::clamp(value, 0.0, 1.0);
        total += weight;
    };
    add(weights.nameSimilarity, signals.nameSimilarity);
    add(weights.typeCompatibility, signals.typeCompatibility);
    if (signals.valueOverlap)
        add(weights.valueOverlap, *signals.valueOverlap);
    if (signals.embeddingSimilarity)
        add(weights.embeddingSimilarity, *signals.embeddingSimilarity);
    add(weights.profileUniqueness, signals.profileUniqueness);
    add(weights.profileNullRate, signals.profileNullRate);
    add(weights.structuralPrior, signals.structuralPrior);
    if (total <= 0.0)
        return 0.0;
    return round3(std::clamp(0.56 + 0.65 * (weighted / total), 0.0, 1.0));
}

void RelationshipScorer::applyValidation(Relationship &relationship,
                                         const RelationshipValidation &validation,
                                         double fallbackTargetUniqueness,
                                         const Thresholds &thresholds)
{
    relationship.validation = validation;
    relationship.reasons.clear();
    if (validation.childDistinct <= 0) {
        relationship.score = 0.0;
        relationship.status = Relationship::Status::Rejected;
        relationship.reasons.append(QStringLiteral("no_source_values"));
        return;
    }
    const double targetUniqueness = relationship.targetKeyScore >= 1.0
        ? 1.0 // a declared primary key is unique by definition
        : validation.targetUniqueness().value_or(fallbackTargetUniqueness);
    const double coverage = validation.coverage();
    const double violationRatio = validation.violationRatio();
    relationship.score = round3(0.2 * relationship.confidence + 0.3 * targetUniqueness
                                + 0.4 * coverage + 0.1 * (1.0 - violationRatio));
    if (targetUniqueness < thresholds.minTargetUniqueness)
        relationship.reasons.append(QStringLiteral("low_target_uniqueness"));
    if (coverage < thresholds.minCoverage)
        relationship.reasons.append(QStringLiteral("low_source_coverage"));
    if (violationRatio > thresholds.maxViolationRatio)
        relationship.reasons.append(QStringLiteral("excessive_violations"));
    if (!relationship.reasons.isEmpty()) {
        relationship.status = Relationship::Status::Rejected;
        return;
    }
    if (relationship.score >= thresholds.accept) {
        relationship.status = Relationship::Status::Accepted;
        relationship.reasons.append(QStringLiteral("validated"));
    } else if (relationship.score >= thresholds.review) {
        relationship.status = Relationship::Status::Review;
        relationship.reasons.append(QStringLiteral("below_accept_threshold"));
    } else {
        relationship.status = Relationship::Status::Rejected;
        relationship.reasons.append(QStringLiteral("below_review_threshold"));
    }
}

void RelationshipScorer::markUnvalidated(Relationship &relationship, const QString &reason)
{
    relationship.validation.reset();
    relationship.status = Relationship::Status::Review;
    relationship.score = round3(0.6 * relationship.confidence);
    relationship.reasons = {QStringLiteral("unvalidated"), reason};
}

QString RelationshipScorer::typeFamily(const SchemaColumn &column)
{
    QString family = familyOfTypeName(column.normalizedType);
    const QString native = familyOfTypeName(column.nativeType);
    // The native spelling is more precise for integers hidden in numeric(p,0).
    if (family.isEmpty() || family == u"other" || (family == u"decimal" && native == u"integer"))
        family = native;
    if (!family.isEmpty() && family != u"other")
        return family;
    if (column.dimensionType == u"number")
        return QStringLiteral("number");
    if (column.dimensionType == u"string")
        return QStringLiteral("string");
    if (column.dimensionType == u"time")
        return QStringLiteral("time");
    if (column.dimensionType == u"boolean")
        return QStringLiteral("boolean");
    return family;
}

double RelationshipScorer::typeCompatibility(const SchemaColumn &source, const SchemaColumn &target)
{
    const QString a = typeFamily(source);
    const QString b = typeFamily(target);
    if (a.isEmpty() || b.isEmpty())
        return 0.5;
    if (a == b)
        return a == u"other" ? 0.5 : 1.0;
    const auto pair = [&](const char16_t *x, const char16_t *y) {
        return (a == x && b == y) || (a == y && b == x);
    };
    if (pair(u"string", u"uuid") || pair(u"number", u"integer") || pair(u"number", u"decimal"))
        return 0.8;
    if (pair(u"integer", u"decimal"))
        return 0.6;
    if (a == u"other" || b == u"other")
        return 0.3;
    return 0.0;
}

} // namespace ktx
