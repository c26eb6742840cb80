#pragma once

#include "core/cancellationtoken.h"
#include "project/projectconfig.h"
#include "scan/columnprofile.h"
#include "scan/relationship.h"
#include "scan/scanwarning.h"
#include "scan/sessionworkerpool.h"

#include <QDeadlineTimer>
#include <QJsonObject>
#include <QList>
#include <QMetaType>

#include <optional>

namespace ktx {

struct SchemaSnapshot;

struct RelationshipDiscoveryResult
{
    // Formal and inferred, every status, sorted by id.
    QList<Relationship> relationships;
    QList<ScanWarning> warnings;
    // Empty when the run finished; "cancelled" or "detection_budget_exhausted"
    // when it stopped early (candidates it did not validate are in review).
    QString stopReason;
    int candidateCount = 0; // inferred candidates kept after the confidence cut
    int validatedCount = 0;
    int deferredCount = 0; // not validated because of validationBudget
    qint64 candidatesMs = 0;
    qint64 validationMs = 0;
    qint64 elapsedMs = 0;

    bool isPartial() const { return !stopReason.isEmpty(); }
    QList<Relationship> withStatus(Relationship::Status status) const;
    int count(Relationship::Status status) const;
    QJsonObject toJson() const;
};

struct RelationshipScanResult
{
    ProfilingResult profiling;
    RelationshipDiscoveryResult discovery;
};

// Relationship discovery (the original's "scan" enrichment): declared foreign
// keys accepted as they are, then deterministic candidates scored from names,
// types and profiles, each validated with one read-only query, labelled
// accepted / review / rejected, and resolved into a consistent graph.
class RelationshipDiscovery
{
public:
    struct Options
    {
        RelationshipsConfig config;
        QDeadlineTimer deadline {QDeadlineTimer::Forever};
        CancellationToken cancellation;
        int maxDistinctSourceValues = 100000;
        int maxLocalTables = 20;
        double minCandidateConfidence = 0.72;

        // The config's values, with the deadline detectionBudgetMs from now.
        static Options fromConfig(const RelationshipsConfig &config,
                                  const CancellationToken &cancellation = {});
    };

    // `validationSessions` opens sessions for validation queries (one per
    // worker, validationConcurrency of them); without it every candidate stays
    // unvalidated (review).
    static RelationshipDiscoveryResult discover(const SchemaSnapshot &snapshot,
                                                const QList<TableProfile> &profiles,
                                                const DatabaseSessionFactory &validationSessions,
                                                const Options &options);

    // Profiling and discovery under one deadline (detectionBudgetMs covers both).
    static RelationshipScanResult profileAndDiscover(const SchemaSnapshot &snapshot,
                                                     const DatabaseSessionFactory &sessions,
                                                     const Options &options);

    // Declared foreign keys as accepted relationships (composite keys grouped by
    // constraint name; a missing target column means the target's primary key).
    static QList<Relationship> formalRelationships(const SchemaSnapshot &snapshot,
                                                   const QList<TableProfile> &profiles);

    // validationBudget: "all" or empty -> nullopt (no limit), "N" -> N.
    static std::optional<int> validationBudget(const QString &value);
};

} // namespace ktx

Q_DECLARE_METATYPE(ktx::RelationshipDiscoveryResult)
Q_DECLARE_METATYPE(ktx::RelationshipScanResult)
