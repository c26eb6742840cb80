#include "scan/relationshipcandidategenerator.h"

#include "db/schemasnapshot.h"
#include "scan/columnprofile.h"
#include "scan/englishinflector.h"
#include "scan/relationshipscorer.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace ktx {

namespace {

// Words that make a reference point back into its own table.
const char *const kSelfReferenceWords[] = {
    "parent",      "manager",      "supervisor", "reports_to", "reported_to", "referred_by",
    "referrer",    "predecessor",  "successor",  "previous",   "next",        "replaced_by",
    "merged_into", "duplicate_of", "original",   "ancestor",   "root",
};

// Warehouse naming prefixes that say what kind of table it is, not what it holds.
const char *const kTablePrefixes[] = {"dim_", "dimension_", "fct_", "fact_", "stg_", "staging_",
                                      "int_", "raw_",       "src_", "tbl_",  "vw_",  "v_"};

const char *const kKeySuffixes[] = {"id", "key", "code", "uuid"};

bool isSelfReferenceBase(const QString &base)
{
    for (const char *word : kSelfReferenceWords) {
        const QLatin1String w(word);
        if (base == w || base.startsWith(w + QLatin1Char('_')))
            return true;
    }
    return false;
}

// "manager", "parent": nothing but the self-reference word, no entity named.
bool isSelfReferenceWord(const QString &base)
{
    for (const char *word : kSelfReferenceWords) {
        if (base == QLatin1String(word))
            return true;
    }
    return false;
}

QString tableKey(const TableRef &ref)
{
    return ref.catalog + QChar(0x1f) + ref.db + QChar(0x1f) + ref.name;
}

bool isKeyLikeName(const QString &normalized)
{
    for (const char *suffix : kKeySuffixes) {
        const QLatin1String s(suffix);
        if (normalized == s || normalized.endsWith(QLatin1Char('_') + s))
            return true;
    }
    return normalized == u"sku";
}

// The join column names a table's own key would have: "customer_id" for customers.
QStringList ownKeyNames(const QString &tableName, const QString &suffix)
{
    const QString base = RelationshipCandidateGenerator::tableBaseName(tableName);
    QStringList names;
    const auto add = [&](const QString &stem) {
        const QString name = stem + QLatin1Char('_') + suffix;
        if (!stem.isEmpty() && !names.contains(name))
            names.append(name);
    };
    add(EnglishInflector::singularIdentifier(base));
    add(base);
    const qsizetype cut = base.lastIndexOf(QLatin1Char('_'));
    if (cut > 0)
        add(EnglishInflector::singular(base.mid(cut + 1)));
    return names;
}

std::optional<qint64> tableRows(const SchemaTable &table, const TableProfile *profile)
{
    if (profile) {
        if (const std::optional<qint64> rows = profile->knownRows())
            return rows;
    }
    if (table.exactRows)
        return table.exactRows;
    return table.estimatedRows;
}

} // namespace

QString RelationshipCandidateGenerator::normalizeIdentifier(const QString &identifier)
{
    QString out;
    out.reserve(identifier.size() + 4);
    for (qsizetype i = 0; i < identifier.size(); ++i) {
        const QChar c = identifier.at(i);
        if (c.isUpper() && i > 0) {
            const QChar previous = identifier.at(i - 1);
            const bool nextLower = i + 1 < identifier.size() && identifier.at(i + 1).isLower();
            // "customerId" -> customer_id; "CustomerID" -> customer_id; "HTTPStatus" -> http_status
            if (previous.isLower() || previous.isDigit() || (previous.isUpper() && nextLower))
                out.append(QLatin1Char('_'));
        }
        if (c.isLetterOrNumber())
            out.append(c.toLower());
        else
            out.append(QLatin1Char('_'));
    }
    QString collapsed;
    collapsed.reserve(out.size());
    for (const QChar c : std::as_const(out)) {
        if (c == u'_' && (collapsed.isEmpty() || collapsed.endsWith(QLatin1Char('_'))))
            continue;
        collapsed.append(c);
    }
    while (collapsed.endsWith(QLatin1Char('_')))
        collapsed.chop(1);
    return collapsed;
}

QString RelationshipCandidateGenerator::tableBaseName(const QString &tableName)
{
    const QString normalized = normalizeIdentifier(tableName);
    for (const char *prefix : kTablePrefixes) {
        const QLatin1String p(prefix);
        if (normalized.startsWith(p) && normalized.size() > p.size())
            return normalized.mid(p.size());
    }
    return normalized;
}

std::optional<RelationshipCandidateGenerator::KeyName>
RelationshipCandidateGenerator::keyName(const QString &columnName)
{
    KeyName key;
    key.normalized = normalizeIdentifier(columnName);
    for (const char *suffix : kKeySuffixes) {
        const QString tail = QLatin1Char('_') + QLatin1String(suffix);
        if (key.normalized.endsWith(tail) && key.normalized.size() > tail.size()) {
            key.suffix = QLatin1String(suffix);
            key.base = key.normalized.left(key.normalized.size() - tail.size());
            break;
        }
    }
    if (key.suffix.isEmpty()) {
        // "parent", "manager" without a suffix still point into their own table.
        if (!isSelfReferenceBase(key.normalized))
            return std::nullopt;
        key.base = key.normalized;
    }
    key.selfReference = isSelfReferenceBase(key.base);
    return key;
}

RelationshipCandidateGenerator::TableMatch
RelationshipCandidateGenerator::matchTable(const KeyName &key, const QString &tableName)
{
    TableMatch best;
    const QString normalized = normalizeIdentifier(tableName);
    const QString base = tableBaseName(tableName);
    const QString singularBase = EnglishInflector::singularIdentifier(base);
    const QStringList tableTokens = base.split(QLatin1Char('_'), Qt::SkipEmptyParts);
    const QStringList keyTokens = key.base.split(QLatin1Char('_'), Qt::SkipEmptyParts);

    for (qsizetype drop = 0; drop < keyTokens.size(); ++drop) {
        const QString alias = keyTokens.mid(drop).join(QLatin1Char('_'));
        // Leading words are a role ("referred_by_customer", "billing_address"): weaker.
        const double roleFactor = drop == 0 ? 1.0 : 0.9;
        const QString singularAlias = EnglishInflector::singularIdentifier(alias);
        double score = 0.0;
        QString source;
        if (alias == normalized || alias == base) {
            score = 1.0;
            source = QStringLiteral("normalized_table_match");
        } else if (singularAlias == singularBase) {
            score = 0.95;
            source = QStringLiteral("inflection");
        } else {
            // The table's trailing name tokens: "categories" of "product_categories".
            for (qsizetype t = 1; t < tableTokens.size(); ++t) {
                const QString tail = tableTokens.mid(t).join(QLatin1Char('_'));
                if (EnglishInflector::singularIdentifier(tail) == singularAlias) {
                    score = 0.85;
                    source = QStringLiteral("parent_table_name_match");
                    break;
                }
            }
        }
        score *= roleFactor;
        if (score > best.score) {
            best.score = score;
            best.sources = {source};
            if (drop > 0)
                best.sources.append(QStringLiteral("column_suffix_match"));
        }
    }
    return best;
}

double RelationshipCandidateGenerator::targetColumnScore(const SchemaTable &table,
                                                         const QString &column,
                                                         const TableProfile *profile,
                                                         QStringList *sources)
{
    const QStringList primaryKey = table.primaryKey();
    if (primaryKey.size() == 1 && primaryKey.constFirst() == column)
        return 1.0;
    const QString normalized = normalizeIdentifier(column);
    if (normalized == u"id")
        return 0.92;
    if (ownKeyNames(table.ref.name, QStringLiteral("id")).contains(normalized))
        return 0.90;
    if (ownKeyNames(table.ref.name, QStringLiteral("key")).contains(normalized))
        return 0.82;
    if (normalized == u"key" || normalized == u"uuid")
        return 0.74;
    const ColumnProfile *columnProfile = profile ? profile->column(column) : nullptr;
    if (columnProfile && columnProfile->nonNullCount() > 0
        && columnProfile->uniquenessRatio() >= 0.98 && columnProfile->nullRate() <= 0.05) {
        if (sources)
            sources->append(QStringLiteral("profile_match"));
        return isKeyLikeName(normalized) ? 0.86 : 0.78;
    }
    return 0.0;
}

QList<Relationship> RelationshipCandidateGenerator::generate(
    const SchemaSnapshot &snapshot, const QList<TableProfile> &profiles, const Options &options,
    const std::function<bool()> &shouldStop)
{
    QHash<QString, const TableProfile *> profileByTable;
    for (const TableProfile &profile : profiles)
        profileByTable.insert(tableKey(profile.table), &profile);

    QList<Relationship> candidates;
    for (const SchemaTable &sourceTable : snapshot.tables) {
        if (shouldStop && shouldStop())
            break;
        const TableProfile *sourceProfile = profileByTable.value(tableKey(sourceTable.ref));
        const QStringList sourcePrimaryKey = sourceTable.primaryKey();

        for (const SchemaColumn &sourceColumn : sourceTable.columns) {
            if (sourcePrimaryKey.size() == 1 && sourcePrimaryKey.constFirst() == sourceColumn.name)
                continue;
            const std::optional<KeyName> key = keyName(sourceColumn.name);
            if (!key)
                continue;

            // Parent tables, best name match first.
            struct Local
            {
                const SchemaTable *table;
                TableMatch match;
            };
            QList<Local> locals;
            for (const SchemaTable &table : snapshot.tables) {
                TableMatch match = matchTable(*key, table.ref.name);
                const bool own = table.ref == sourceTable.ref;
                // "parent_id", "manager_id" point into their own table; "parent_category_id"
                // only when its own table is the categories ("parent_company_id" in
                // subsidiaries means companies).
                if (own && key->selfReference
                    && (match.score > 0.0 || isSelfReferenceWord(key->base))) {
                    match.score = std::max(match.score, 0.9);
                    match.sources.append(QStringLiteral("self_reference"));
                }
                const QStringList targetKey = table.primaryKey();
                if (match.score <= 0.0 && targetKey.size() == 1
                    && normalizeIdentifier(targetKey.constFirst()) == key->normalized && !own) {
                    // A table keyed by exactly this column name, whatever the table is called.
                    match.score = 0.8;
                    match.sources = {QStringLiteral("exact_column_match")};
                }
                if (match.score > 0.0)
                    locals.append({&table, match});
            }
            std::stable_sort(locals.begin(), locals.end(), [](const Local &a, const Local &b) {
                return a.match.score > b.match.score;
            });
            if (locals.size() > options.maxLocalTables)
                locals.resize(options.maxLocalTables);

            QList<Relationship> columnCandidates;
            const ColumnProfile *sourceColumnProfile
                = sourceProfile ? sourceProfile->column(sourceColumn.name) : nullptr;
            for (const Local &local : std::as_const(locals)) {
                const SchemaTable &targetTable = *local.table;
                const TableProfile *targetProfile = profileByTable.value(tableKey(targetTable.ref));
                const bool own = targetTable.ref == sourceTable.ref;
                for (const SchemaColumn &targetColumn : targetTable.columns) {
                    if (own && targetColumn.name == sourceColumn.name)
                        continue; // same-column self link
                    QStringList sources = local.match.sources;
                    const double keyScore = targetColumnScore(targetTable, targetColumn.name,
                                                              targetProfile, &sources);
                    if (keyScore <= 0.0)
                        continue;

                    Relationship candidate;
                    candidate.from = {sourceTable.ref, {sourceColumn.name}};
                    candidate.to = {targetTable.ref, {targetColumn.name}};
                    candidate.origin = Relationship::Origin::Inferred;
                    candidate.targetKeyScore = keyScore;

                    const bool sameName = normalizeIdentifier(targetColumn.name) == key->normalized;
                    if (sameName)
                        sources.append(QStringLiteral("exact_column_match"));
                    const double columnMatch = sameName ? 1.0 : (keyScore >= 0.9 ? 0.8 : 0.5);

                    RelationshipSignals &evidence = candidate.scoringSignals;
                    evidence.nameSimilarity = 0.7 * local.match.score + 0.3 * columnMatch;
                    evidence.typeCompatibility
                        = RelationshipScorer::typeCompatibility(sourceColumn, targetColumn);
                    const ColumnProfile *targetColumnProfile
                        = targetProfile ? targetProfile->column(targetColumn.name) : nullptr;
                    if (sourceColumnProfile && targetColumnProfile)
                        evidence.valueOverlap = sourceColumnProfile->sketch.containmentIn(
                            targetColumnProfile->sketch);
                    if (keyScore >= 1.0)
                        evidence.profileUniqueness = 1.0;
                    else if (targetColumnProfile && targetColumnProfile->nonNullCount() > 0)
                        evidence.profileUniqueness = targetColumnProfile->uniquenessRatio();
                    else
                        evidence.profileUniqueness = keyScore;
                    if (sourceColumnProfile && sourceColumnProfile->sampledRows > 0)
                        evidence.profileNullRate = 1.0 - sourceColumnProfile->nullRate();
                    if (own) {
                        evidence.structuralPrior = 0.72;
                    } else {
                        const std::optional<qint64> sourceRows
                            = tableRows(sourceTable, sourceProfile);
                        const std::optional<qint64> targetRows
                            = tableRows(targetTable, targetProfile);
                        if (sourceRows && targetRows && *sourceRows > 0) {
                            const double ratio = double(*targetRows) / double(*sourceRows);
                            evidence.structuralPrior = ratio >= 0.05 && ratio <= 20.0 ? 0.7 : 0.4;
                        }
                    }
                    candidate.confidence = RelationshipScorer::confidence(evidence);
                    if (candidate.confidence < options.minConfidence)
                        continue;
                    sources.removeDuplicates();
                    std::sort(sources.begin(), sources.end());
                    candidate.candidateSources = sources;
                    columnCandidates.append(std::move(candidate));
                }
            }
            std::sort(columnCandidates.begin(), columnCandidates.end(),
                      [](const Relationship &a, const Relationship &b) {
                          if (a.confidence != b.confidence)
                              return a.confidence > b.confidence;
                          if (a.targetKeyScore != b.targetKeyScore)
                              return a.targetKeyScore > b.targetKeyScore;
                          return a.id() < b.id();
                      });
            if (columnCandidates.size() > options.maxCandidatesPerColumn)
                columnCandidates.resize(std::max(0, options.maxCandidatesPerColumn));
            candidates.append(columnCandidates);
        }
    }
    return candidates;
}

} // namespace ktx
