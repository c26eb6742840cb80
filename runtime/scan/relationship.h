#pragma once

#include "db/schemasnapshot.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace ktx {

// One side of a relationship: a table and its join columns, in pair order.
struct RelationshipEnd
{
    TableRef table;
    QStringList columns;

    // "customers:(customer_id)"; the table as TableRef::displayName().
    QString key() const;
    bool operator==(const RelationshipEnd &other) const = default;
};

// What the validation query measured over distinct non-null values.
struct RelationshipValidation
{
    qint64 childDistinct = 0; // distinct non-null source values (capped)
    qint64 parentDistinct = 0; // distinct non-null target values
    qint64 overlap = 0; // source values found in the target
    qint64 violations = 0; // source values missing from the target
    qint64 childRows = -1; // non-null source rows; -1 when not measured
    qint64 parentRows = -1; // non-null target rows; -1 when not measured
    bool childCapped = false; // childDistinct hit the cap: counts are over a subset

    double coverage() const; // overlap / childDistinct (0 when there is no source value)
    double violationRatio() const;
    // parentDistinct / parentRows, or nullopt when parentRows was not measured.
    std::optional<double> targetUniqueness() const;
    // Every non-null source value is distinct: the source side is unique.
    bool sourceUnique() const;

    QJsonObject toJson() const;
};

// The scoring signals of an inferred candidate, each in [0, 1]; unset optionals
// were not available and do not weigh in.
struct RelationshipSignals
{
    double nameSimilarity = 0.0;
    double typeCompatibility = 0.0;
    std::optional<double> valueOverlap;
    std::optional<double> embeddingSimilarity;
    double profileUniqueness = 0.0;
    double profileNullRate = 0.5; // source non-null share
    double structuralPrior = 0.5;

    QJsonObject toJson() const;
};

struct Relationship
{
    enum class Origin { Formal, Inferred };
    enum class Status { Accepted, Review, Rejected };
    enum class Kind { ManyToOne, OneToOne };

    RelationshipEnd from;
    RelationshipEnd to;
    Origin origin = Origin::Inferred;
    QStringList candidateSources; // exact_column_match, inflection, self_reference, ...
    double confidence = 0.0; // from the signals, before validation
    double score = 0.0; // after validation
    Status status = Status::Review;
    QStringList reasons; // why it got its status
    std::optional<RelationshipValidation> validation;
    Kind kind = Kind::ManyToOne;
    RelationshipSignals scoringSignals; // "signals" in JSON (a Qt keyword in C++)
    double targetKeyScore = 0.0; // how key-like the target is (declared PK 1.0 ... 0.78)
    QString constraintName; // formal keys

    // "fromTable:(cols)->toTable:(cols)"
    QString id() const;
    bool isSelfReference() const { return from.table == to.table; }
    // The target is a primary key or reads like one (the resolver's pkScore >= 0.78).
    bool referencesKey() const { return targetKeyScore >= 0.78; }
    // Source and target column names are the same ("customer_id" -> "customer_id").
    bool sameColumnNames() const;

    QJsonObject toJson() const;

    static QString originName(Origin origin);
    static QString statusName(Status status);
    static QString kindName(Kind kind);
};

} // namespace ktx

Q_DECLARE_METATYPE(ktx::Relationship)
