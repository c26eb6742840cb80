#include "scan/relationshipdiscovery.h"

#include "db/schemasnapshot.h"
#include "scan/columnprofiler.h"
#include "scan/relationshipcandidategenerator.h"
#include "scan/relationshipgraphresolver.h"
#include "scan/relationshipscorer.h"
#include "scan/relationshipvalidator.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>

#include <algorithm>

namespace ktx {

namespace {

QString tableKey(const TableRef &ref)
{
    return ref.catalog + QChar(0x1f) + ref.db + QChar(0x1f) + ref.name;
}

const ColumnProfile *findColumnProfile(const QHash<QString, const TableProfile *> &profiles,
                                       const RelationshipEnd &end)
{
    if (end.columns.size() != 1)
        return nullptr;
    const TableProfile *table = profiles.value(tableKey(end.table));
    return table ? table->column(end.columns.constFirst()) : nullptr;
}

// The source side is unique in the sample and the sample was the whole table.
bool profileSaysUnique(const QHash<QString, const TableProfile *> &profiles,
                       const RelationshipEnd &end)
{
    const TableProfile *table = profiles.value(tableKey(end.table));
    const ColumnProfile *column = findColumnProfile(profiles, end);
    return table && column && table->sampleComplete && column->nonNullCount() > 0
        && column->distinctCount == column->nonNullCount();
}

QString stopReasonFor(const RelationshipDiscovery::Options &options)
{
    if (options.cancellation.isCancelled())
        return QStringLiteral("cancelled");
    if (options.deadline.hasExpired())
        return QStringLiteral("detection_budget_exhausted");
    return {};
}

} // namespace

QList<Relationship> RelationshipDiscoveryResult::withStatus(Relationship::Status status) const
{
    QList<Relationship> selected;
    for (const Relationship &relationship : relationships) {
        if (relationship.status == status)
            selected.append(relationship);
    }
    return selected;
}

int RelationshipDiscoveryResult::count(Relationship::Status status) const
{
    return int(std::count_if(relationships.cbegin(), relationships.cend(),
                             [status](const Relationship &r) { return r.status == status; }));
}

QJsonObject RelationshipDiscoveryResult::toJson() const
{
    QJsonArray relationshipArray;
    for (const Relationship &relationship : relationships)
        relationshipArray.append(relationship.toJson());
    QJsonArray warningArray;
    for (const ScanWarning &warning : warnings)
        warningArray.append(warning.toJson());
    QJsonObject counts {
        {QStringLiteral("accepted"), count(Relationship::Status::Accepted)},
        {QStringLiteral("review"), count(Relationship::Status::Review)},
        {QStringLiteral("rejected"), count(Relationship::Status::Rejected)},
        {QStringLiteral("candidates"), candidateCount},
        {QStringLiteral("validated"), validatedCount},
        {QStringLiteral("deferred"), deferredCount},
    };
    QJsonObject object {
        {QStringLiteral("relationships"), relationshipArray},
        {QStringLiteral("counts"), counts},
        {QStringLiteral("warnings"), warningArray},
        {QStringLiteral("timings"),
         QJsonObject {{QStringLiteral("candidatesMs"), candidatesMs},
                      {QStringLiteral("validationMs"), validationMs},
                      {QStringLiteral("elapsedMs"), elapsedMs}}},
    };
    object.insert(QStringLiteral("stopReason"),
                  stopReason.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(stopReason));
    return object;
}

RelationshipDiscovery::Options
RelationshipDiscovery::Options::fromConfig(const RelationshipsConfig &config,
                                           const CancellationToken &cancellation)
{
    Options options;
    options.config = config;
    options.cancellation = cancellation;
    options.deadline = config.detectionBudgetMs > 0 ? QDeadlineTimer(config.detectionBudgetMs)
                                                    : QDeadlineTimer(QDeadlineTimer::Forever);
    return options;
}

std::optional<int> RelationshipDiscovery::validationBudget(const QString &value)
{
    const QString trimmed = value.trimmed();
    if (trimmed.isEmpty() || trimmed.compare(u"all", Qt::CaseInsensitive) == 0)
        return std::nullopt;
    bool ok = false;
    const int budget = trimmed.toInt(&ok);
    if (!ok || budget < 0)
        return std::nullopt; // the config loader reports bad values; run them all
    return budget;
}

QList<Relationship> RelationshipDiscovery::formalRelationships(const SchemaSnapshot &snapshot,
                                                               const QList<TableProfile> &profiles)
{
    QHash<QString, const TableProfile *> profileByTable;
    for (const TableProfile &profile : profiles)
        profileByTable.insert(tableKey(profile.table), &profile);

    QList<Relationship> formal;
    for (const SchemaTable &table : snapshot.tables) {
        // Column pairs of one constraint stay together; unnamed keys stand alone.
        QList<Relationship> keys;
        QHash<QString, qsizetype> byConstraint;
        for (const SchemaForeignKey &foreignKey : table.foreignKeys) {
            TableRef target {
                foreignKey.toCatalog.isEmpty() ? table.ref.catalog : foreignKey.toCatalog,
                foreignKey.toDb.isEmpty() ? table.ref.db : foreignKey.toDb, foreignKey.toTable};
            const QString group = foreignKey.constraintName.isEmpty()
                ? QString()
                : foreignKey.constraintName + QChar(0x1f) + tableKey(target);
            qsizetype index = group.isEmpty() ? -1 : byConstraint.value(group, -1);
            if (index < 0) {
                Relationship relationship;
                relationship.origin = Relationship::Origin::Formal;
                relationship.from.table = table.ref;
                relationship.to.table = target;
                relationship.constraintName = foreignKey.constraintName;
                relationship.confidence = 1.0;
                relationship.score = 1.0;
                relationship.targetKeyScore = 1.0;
                relationship.status = Relationship::Status::Accepted;
                relationship.reasons = {QStringLiteral("declared_foreign_key")};
                keys.append(relationship);
                index = keys.size() - 1;
                if (!group.isEmpty())
                    byConstraint.insert(group, index);
            }
            keys[index].from.columns.append(foreignKey.fromColumn);
            keys[index].to.columns.append(foreignKey.toColumn);
        }
        for (Relationship &relationship : keys) {
            // REFERENCES t without columns means t's primary key.
            if (relationship.to.columns.contains(QString())) {
                const SchemaTable *target = snapshot.table(relationship.to.table);
                const QStringList primaryKey = target ? target->primaryKey() : QStringList();
                if (primaryKey.size() == relationship.from.columns.size())
                    relationship.to.columns = primaryKey;
            }
            QStringList fromColumns = relationship.from.columns;
            QStringList primaryKey = table.primaryKey();
            std::sort(fromColumns.begin(), fromColumns.end());
            std::sort(primaryKey.begin(), primaryKey.end());
            const bool unique = (!primaryKey.isEmpty() && fromColumns == primaryKey)
                || profileSaysUnique(profileByTable, relationship.from);
            relationship.kind
                = unique ? Relationship::Kind::OneToOne : Relationship::Kind::ManyToOne;
            formal.append(relationship);
        }
    }
    return formal;
}

RelationshipDiscoveryResult
RelationshipDiscovery::discover(const SchemaSnapshot &snapshot, const QList<TableProfile> &profiles,
                                const DatabaseSessionFactory &validationSessions,
                                const Options &options)
{
    QElapsedTimer total;
    total.start();
    RelationshipDiscoveryResult result;
    const RelationshipsConfig &config = options.config;
    QList<Relationship> formal = formalRelationships(snapshot, profiles);

    QHash<QString, const TableProfile *> profileByTable;
    for (const TableProfile &profile : profiles)
        profileByTable.insert(tableKey(profile.table), &profile);

    QList<Relationship> candidates;
    if (config.enabled) {
        QElapsedTimer phase;
        phase.start();
        RelationshipCandidateGenerator::Options generatorOptions;
        generatorOptions.maxCandidatesPerColumn = std::max(1, config.maxCandidatesPerColumn);
        generatorOptions.maxLocalTables = options.maxLocalTables;
        generatorOptions.minConfidence = options.minCandidateConfidence;
        candidates = RelationshipCandidateGenerator::generate(
            snapshot, profiles, generatorOptions,
            [&options] { return !stopReasonFor(options).isEmpty(); });
        // The generator checks between tables: stopping there may have skipped some.
        result.stopReason = stopReasonFor(options);
        candidates = RelationshipGraphResolver::removeFormalDuplicates(formal, candidates);
        // Highest confidence first: a budget cut or a deadline leaves the weakest unvalidated.
        std::stable_sort(candidates.begin(), candidates.end(),
                         [](const Relationship &a, const Relationship &b) {
                             return a.confidence > b.confidence;
                         });
        result.candidateCount = int(candidates.size());
        result.candidatesMs = phase.elapsed();

        phase.restart();
        qsizetype toValidate = candidates.size();
        if (const std::optional<int> budget = validationBudget(config.validationBudget))
            toValidate = std::min<qsizetype>(toValidate, *budget);
        for (qsizetype i = toValidate; i < candidates.size(); ++i)
            RelationshipScorer::markUnvalidated(candidates[i],
                                                QStringLiteral("validation_deferred"));
        result.deferredCount = int(candidates.size() - toValidate);

        if (!validationSessions) {
            for (qsizetype i = 0; i < toValidate; ++i)
                RelationshipScorer::markUnvalidated(candidates[i],
                                                    QStringLiteral("validation_unavailable"));
        } else if (toValidate > 0) {
            RelationshipValidator::Options validatorOptions;
            validatorOptions.concurrency = std::max(1, config.validationConcurrency);
            validatorOptions.maxDistinctSourceValues = options.maxDistinctSourceValues;
            validatorOptions.deadline = options.deadline;
            validatorOptions.cancellation = options.cancellation;
            QList<Error> openErrors;
            const auto outcomes = RelationshipValidator::validate(
                candidates.mid(0, toValidate), validationSessions, validatorOptions, &openErrors);
            for (const Error &error : std::as_const(openErrors))
                result.warnings.append(
                    {QStringLiteral("session_failed"),
                     QStringLiteral("A validation worker could not open a session: %1")
                         .arg(error.message),
                     {}});
            RelationshipScorer::Thresholds thresholds;
            thresholds.accept = config.acceptThreshold;
            thresholds.review = config.reviewThreshold;
            for (qsizetype i = 0; i < toValidate; ++i) {
                Relationship &candidate = candidates[i];
                const auto &outcome = outcomes.at(i);
                if (!outcome) {
                    const QString reason = stopReasonFor(options);
                    if (!reason.isEmpty())
                        result.stopReason = reason;
                    RelationshipScorer::markUnvalidated(
                        candidate,
                        reason.isEmpty() ? QStringLiteral("validation_unavailable") : reason);
                    continue;
                }
                if (!outcome->ok()) {
                    RelationshipScorer::markUnvalidated(candidate,
                                                        QStringLiteral("validation_failed"));
                    result.warnings.append({QStringLiteral("validation_failed"),
                                            QStringLiteral("Could not validate %1: %2")
                                                .arg(candidate.id(), outcome->error().message),
                                            candidate.from.table});
                    continue;
                }
                const ColumnProfile *target = findColumnProfile(profileByTable, candidate.to);
                const double fallbackUniqueness = target && target->nonNullCount() > 0
                    ? target->uniquenessRatio()
                    : candidate.targetKeyScore;
                RelationshipScorer::applyValidation(candidate, outcome->value(), fallbackUniqueness,
                                                    thresholds);
                ++result.validatedCount;
            }
        }
        result.validationMs = phase.elapsed();

        for (Relationship &candidate : candidates) {
            bool unique = false;
            if (candidate.validation && candidate.validation->childRows >= 0
                && !candidate.validation->childCapped)
                unique = candidate.validation->sourceUnique();
            else
                unique = profileSaysUnique(profileByTable, candidate.from);
            candidate.kind = unique ? Relationship::Kind::OneToOne : Relationship::Kind::ManyToOne;
        }
    }

    result.relationships = formal + candidates;
    RelationshipGraphResolver::resolve(result.relationships);
    std::sort(result.relationships.begin(), result.relationships.end(),
              [](const Relationship &a, const Relationship &b) { return a.id() < b.id(); });

    if (!result.stopReason.isEmpty())
        result.warnings.append(
            {result.stopReason,
             QStringLiteral("Relationship discovery stopped early (%1); "
                            "candidates it did not validate are left for review.")
                 .arg(result.stopReason),
             {}});
    result.elapsedMs = total.elapsed();
    return result;
}

RelationshipScanResult RelationshipDiscovery::profileAndDiscover(
    const SchemaSnapshot &snapshot, const DatabaseSessionFactory &sessions, const Options &options)
{
    RelationshipScanResult scan;
    ColumnProfiler::Options profilerOptions = ColumnProfiler::Options::fromConfig(options.config);
    profilerOptions.deadline = options.deadline;
    profilerOptions.cancellation = options.cancellation;
    Result<ProfilingResult> profiling
        = ColumnProfiler::profile(snapshot, sessions, profilerOptions);
    DatabaseSessionFactory validationSessions = sessions;
    if (profiling.ok()) {
        scan.profiling = std::move(profiling.value());
    } else {
        // Not even one session opened: validation would fail the same way.
        scan.profiling.warnings.append({profiling.error().code, profiling.error().message, {}});
        validationSessions = nullptr;
    }
    scan.discovery = discover(snapshot, scan.profiling.tables, validationSessions, options);
    return scan;
}

} // namespace ktx
