#include "db/queryhistoryaggregator.h"

#include "db/tablescope.h"

#include <QCryptographicHash>
#include <QHash>
#include <QSet>

#include <algorithm>

namespace ktx {

namespace {

struct Group
{
    QueryTemplate value;
    SqlTemplateAnalysis analysis;
    QSet<QString> roles;
};

QStringList sortedList(const QSet<QString> &set)
{
    QStringList out(set.cbegin(), set.cend());
    out.sort();
    return out;
}

bool matchesAny(const QList<QRegularExpression> &patterns, const QString &text)
{
    for (const QRegularExpression &re : patterns)
        if (re.match(text).hasMatch())
            return true;
    return false;
}

} // namespace

QueryHistorySummary
QueryHistoryAggregator::aggregate(const QList<QueryHistoryStatement> &statements,
                                  const QueryHistoryOptions &options,
                                  const QList<SchemaTable> &tables, const QStringList &searchPath)
{
    QueryHistorySummary summary;
    summary.statementsRead = statements.size();
    const SqlTemplateAnalyzer analyzer(tables, searchPath);

    // The scope floor: which known tables count.
    QHash<QString, TableRef> inScope;
    const TableScope tableFilter(options.enabledTables);
    for (const SchemaTable &table : tables) {
        if (!options.enabledSchemas.isEmpty() && !options.noScopeFloor()
            && !options.enabledSchemas.contains(table.ref.db))
            continue;
        if (!tableFilter.matches(table.ref))
            continue;
        inScope.insert(table.ref.displayName(), table.ref);
    }
    const QList<QRegularExpression> accounts = options.serviceAccountExpressions();
    const QList<QRegularExpression> redactions = options.redactionExpressions();
    const auto drop = [&](const char *reason) {
        ++summary.dropped[QString::fromLatin1(reason)];
    };

    QHash<QString, Group> groups; // canonical SQL -> template
    QHash<QString, SqlTemplateAnalysis> analysed; // the same text arrives once per role
    for (const QueryHistoryStatement &statement : statements) {
        if (statement.query == QLatin1String("<insufficient privilege>")) {
            drop("insufficient_privilege");
            continue;
        }
        if (SqlTemplateAnalyzer::isKtxStatement(statement.query)) {
            drop("ktx");
            continue;
        }
        const QString canonical = SqlTemplateAnalyzer::canonicalSql(statement.query);
        auto cached = analysed.constFind(canonical);
        if (cached == analysed.constEnd())
            cached = analysed.insert(canonical, analyzer.analyze(canonical));
        const SqlTemplateAnalysis &analysis = *cached;
        if (!analysis.parsed) {
            drop("parse_failed");
            if (summary.parseFailures.size() < 10)
                summary.parseFailures
                    << QStringLiteral("%1: %2").arg(analysis.parseProblem, canonical.left(200));
            continue;
        }
        if (!analysis.isSelect()) {
            drop("non_select");
            continue;
        }
        if (analysis.onlySystemTables) {
            drop("catalog");
            continue;
        }
        if (analysis.tables.isEmpty()) {
            if (options.dropTrivialProbes) {
                drop("trivial");
                continue;
            }
        }
        const bool service = matchesAny(accounts, statement.role);
        if (service && options.serviceAccountMode == QLatin1String("exclude")) {
            drop("service_account");
            continue;
        }
        if (!service && !accounts.isEmpty()
            && options.serviceAccountMode == QLatin1String("include")) {
            drop("service_account");
            continue;
        }
        QStringList touched;
        for (const QString &table : analysis.tables) {
            if (inScope.contains(table)
                || (options.noScopeFloor() && analysis.unknownTables.contains(table)))
                touched << table;
        }
        if (touched.isEmpty() && !(analysis.tables.isEmpty() && !options.dropTrivialProbes)) {
            drop("out_of_scope");
            continue;
        }
        Group &group = groups[canonical];
        if (group.value.sql.isEmpty()) {
            group.value.sql = canonical;
            group.value.tables = touched;
            group.analysis = analysis;
        }
        group.value.executions += statement.calls;
        group.value.totalMs += statement.totalMs;
        group.value.rows += statement.rows;
        group.value.serviceAccount = group.value.serviceAccount || service;
        if (!statement.role.isEmpty())
            group.roles.insert(statement.role);
    }

    QList<QueryTemplate> templates;
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        QueryTemplate &t = it->value;
        if (t.executions < options.minExecutions) {
            drop("below_min_executions");
            continue;
        }
        t.roles = sortedList(it->roles);
        t.templateId = QString::fromLatin1(
            QCryptographicHash::hash(t.sql.toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
        for (const QRegularExpression &re : redactions)
            t.sql.replace(re, QStringLiteral("<redacted>"));
        const auto keep = [&](const SqlColumnUse &use) {
            return inScope.contains(use.table);
        };
        for (const SqlJoinPair &pair : std::as_const(it->analysis.joins))
            if (keep(pair.left) || keep(pair.right))
                t.joins << pair;
        for (const SqlColumnUse &use : std::as_const(it->analysis.filterColumns))
            if (keep(use))
                t.filterColumns << use;
        for (const SqlColumnUse &use : std::as_const(it->analysis.groupByColumns))
            if (keep(use))
                t.groupByColumns << use;
        templates << t;
    }
    std::sort(templates.begin(), templates.end(),
              [](const QueryTemplate &a, const QueryTemplate &b) {
                  return a.executions != b.executions ? a.executions > b.executions
                                                      : a.templateId < b.templateId;
              });
    if (templates.size() > options.maxTemplates) {
        summary.dropped[QStringLiteral("over_template_cap")]
            += templates.size() - options.maxTemplates;
        templates.resize(options.maxTemplates);
    }
    summary.templates = templates;

    // Per table: what the kept templates say about it.
    struct TableAcc
    {
        QueryTableUsage usage;
        QSet<QString> roles, filters, joinColumns, groupBy;
        QMap<QString, QueryJoinUsage> joins; // other table -> usage
        QMap<QString, QSet<QString>> joinTemplates;
    };
    QMap<QString, TableAcc> byTable;
    for (const QueryTemplate &t : std::as_const(summary.templates)) {
        for (const QString &name : t.tables) {
            if (!inScope.contains(name))
                continue;
            TableAcc &acc = byTable[name];
            acc.usage.table = inScope.value(name);
            acc.usage.executions += t.executions;
            acc.usage.templateIds << t.templateId;
            for (const QString &role : t.roles)
                acc.roles.insert(role);
        }
        for (const SqlColumnUse &use : t.filterColumns)
            if (byTable.contains(use.table))
                byTable[use.table].filters.insert(use.column);
        for (const SqlColumnUse &use : t.groupByColumns)
            if (byTable.contains(use.table))
                byTable[use.table].groupBy.insert(use.column);
        for (const SqlJoinPair &pair : t.joins) {
            for (int side = 0; side < 2; ++side) {
                const SqlColumnUse &self = side == 0 ? pair.left : pair.right;
                const SqlColumnUse &other = side == 0 ? pair.right : pair.left;
                if (!byTable.contains(self.table))
                    continue;
                TableAcc &acc = byTable[self.table];
                acc.joinColumns.insert(self.column);
                QueryJoinUsage &join = acc.joins[other.table];
                join.withTable = inScope.value(other.table, TableRef {{}, {}, other.table});
                const std::pair<QString, QString> on {self.column, other.column};
                if (!join.on.contains(on))
                    join.on << on;
                if (!acc.joinTemplates[other.table].contains(t.templateId)) {
                    acc.joinTemplates[other.table].insert(t.templateId);
                    ++join.templates;
                    join.executions += t.executions;
                }
            }
        }
    }
    for (auto it = byTable.begin(); it != byTable.end(); ++it) {
        QueryTableUsage usage = it->usage;
        usage.roles = sortedList(it->roles);
        usage.filterColumns = sortedList(it->filters);
        usage.joinColumns = sortedList(it->joinColumns);
        usage.groupByColumns = sortedList(it->groupBy);
        for (QueryJoinUsage join : std::as_const(it->joins)) {
            std::sort(join.on.begin(), join.on.end());
            usage.joins << join;
        }
        summary.tables << usage;
    }
    return summary;
}

} // namespace ktx
