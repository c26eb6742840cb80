#pragma once

#include "scan/relationship.h"

#include <QString>

namespace ktx {

struct SchemaColumn;

// The scoring rules of relationship discovery, free of SQL: the weighted
// confidence of a candidate's signals, and its status from validation numbers.
class RelationshipScorer
{
public:
    // Default weights (they sum to 1). Signals that are not available (no
    // embeddings, no profile to estimate overlap) drop out and the rest are
    // renormalised, so a missing signal neither rewards nor punishes.
    struct Weights
    {
        double nameSimilarity = 0.24;
        double typeCompatibility = 0.10;
        double valueOverlap = 0.22;
        double embeddingSimilarity = 0.10;
        double profileUniqueness = 0.22;
        double profileNullRate = 0.08;
        double structuralPrior = 0.04;
    };

    struct Thresholds
    {
        double accept = 0.85;
        double review = 0.55;
        double minTargetUniqueness = 0.9;
        double minCoverage = 0.9;
        double maxViolationRatio = 0.01;
    };

    // 0 when the types are incompatible, else 0.56 + 0.65 x weighted sum,
    // clamped to [0, 1] and rounded to 3 decimals.
    static double confidence(const RelationshipSignals &signals, const Weights &weights);
    static double confidence(const RelationshipSignals &signals);

    // Sets validation, score, status and reasons. Low target uniqueness (< 0.9),
    // low source coverage (< 0.9) or excessive violations (> 0.01) reject;
    // otherwise score = 0.2 confidence + 0.3 target uniqueness + 0.4 coverage
    // + 0.1 (1 - violation ratio), accepted at or above `accept`, review at or
    // above `review`, else rejected. `fallbackTargetUniqueness` is used when the
    // validation did not measure the target's rows.
    static void applyValidation(Relationship &relationship,
                                const RelationshipValidation &validation,
                                double fallbackTargetUniqueness, const Thresholds &thresholds);

    // A candidate that was not validated (no SQL, query error, budget): review,
    // score 0.6 x confidence, with `reason` recorded.
    static void markUnvalidated(Relationship &relationship, const QString &reason);

    // Type family of a column: integer, decimal, number, string, uuid, time,
    // boolean, binary, other, or empty when unknown.
    static QString typeFamily(const SchemaColumn &column);
    // 1 same family; 0.8 string/uuid or number/integer|decimal; 0.6 integer/decimal;
    // 0.5 when a side is unknown; 0 incompatible.
    static double typeCompatibility(const SchemaColumn &source, const SchemaColumn &target);
};

} // namespace ktx
