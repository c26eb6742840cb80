#include "scan/relationshipvalidator.h"

#include "db/databasesession.h"
#include "db/queryresult.h"
#include "db/sqldialect.h"

#include <vector>

namespace ktx {

namespace {

QString columnValue(int index)
{
    return QStringLiteral("v%1").arg(index);
}

// "c1 IS NOT NULL AND c2 IS NOT NULL"
QString notNull(const SqlDialect &dialect, const QStringList &columns)
{
    QStringList parts;
    for (const QString &column : columns)
        parts.append(dialect.quoteIdentifier(column) + QStringLiteral(" IS NOT NULL"));
    return parts.join(QStringLiteral(" AND "));
}

// "SELECT DISTINCT c1 AS v0, c2 AS v1 FROM t WHERE c1 IS NOT NULL AND ..."
QString distinctValues(const SqlDialect &dialect, const RelationshipEnd &end)
{
    QStringList selected;
    for (qsizetype i = 0; i < end.columns.size(); ++i)
        selected.append(dialect.quoteIdentifier(end.columns.at(i)) + QStringLiteral(" AS ")
                        + columnValue(int(i)));
    return QStringLiteral("SELECT DISTINCT %1 FROM %2 WHERE %3")
        .arg(selected.join(QStringLiteral(", ")), dialect.formatTable(end.table),
             notNull(dialect, end.columns));
}

qint64 integerAt(const QueryResult &result, const QString &name, int fallbackIndex, bool *ok)
{
    qsizetype index = -1;
    for (qsizetype i = 0; i < result.columns.size(); ++i) {
        if (result.columns.at(i).compare(name, Qt::CaseInsensitive) == 0) {
            index = i;
            break;
        }
    }
    if (index < 0)
        index = fallbackIndex;
    const QVariantList &row = result.rows.constFirst();
    if (index >= row.size()) {
        *ok = false;
        return 0;
    }
    const QVariant &value = row.at(index);
    if (value.isNull()) // SUM/COUNT over nothing in some drivers
        return 0;
    bool converted = false;
    const qint64 number = value.toLongLong(&converted);
    if (!converted)
        *ok = false;
    return number;
}

} // namespace

QString RelationshipValidator::validationSql(const SqlDialect &dialect,
                                             const Relationship &candidate,
                                             int maxDistinctSourceValues)
{
    const RelationshipEnd &child = candidate.from;
    const RelationshipEnd &parent = candidate.to;
    QStringList join;
    for (qsizetype i = 0; i < child.columns.size() && i < parent.columns.size(); ++i)
        join.append(QStringLiteral("ktx_child.%1 = ktx_parent.%1").arg(columnValue(int(i))));

    const QString childValues
        = dialect.limitQuery(distinctValues(dialect, child), std::max(1, maxDistinctSourceValues));
    const QString parentValues = distinctValues(dialect, parent);
    return QStringLiteral("SELECT COUNT(*) AS child_distinct, COUNT(ktx_parent.v0) AS overlap, "
                          "(SELECT COUNT(*) FROM (%1) ktx_parent_distinct) AS parent_distinct, "
                          "(SELECT COUNT(*) FROM %2 WHERE %3) AS parent_rows, "
                          "(SELECT COUNT(*) FROM %4 WHERE %5) AS child_rows "
                          "FROM (%6) ktx_child LEFT JOIN (%1) ktx_parent ON %7")
        .arg(parentValues, dialect.formatTable(parent.table), notNull(dialect, parent.columns),
             dialect.formatTable(child.table), notNull(dialect, child.columns), childValues,
             join.join(QStringLiteral(" AND ")));
}

Result<RelationshipValidation> RelationshipValidator::parseResult(const QueryResult &result,
                                                                  int maxDistinctSourceValues)
{
    if (result.rows.isEmpty())
        return makeError(QStringLiteral("validation_empty"),
                         QStringLiteral("The validation query returned no row."));
    bool ok = true;
    RelationshipValidation validation;
    validation.childDistinct = integerAt(result, QStringLiteral("child_distinct"), 0, &ok);
    validation.overlap = integerAt(result, QStringLiteral("overlap"), 1, &ok);
    validation.parentDistinct = integerAt(result, QStringLiteral("parent_distinct"), 2, &ok);
    validation.parentRows = integerAt(result, QStringLiteral("parent_rows"), 3, &ok);
    validation.childRows = integerAt(result, QStringLiteral("child_rows"), 4, &ok);
    if (!ok)
        return makeError(
            QStringLiteral("validation_unreadable"),
            QStringLiteral("The validation query returned values that are not counts."));
    validation.violations = std::max<qint64>(0, validation.childDistinct - validation.overlap);
    validation.childCapped = validation.childDistinct >= maxDistinctSourceValues;
    return validation;
}

QList<std::optional<Result<RelationshipValidation>>>
RelationshipValidator::validate(const QList<Relationship> &candidates,
                                const DatabaseSessionFactory &factory, const Options &options,
                                QList<Error> *openErrors)
{
    std::vector<std::optional<Result<RelationshipValidation>>> outcomes(
        static_cast<size_t>(candidates.size()));
    const auto shouldStop = [&options] {
        return options.cancellation.isCancelled() || options.deadline.hasExpired();
    };
    const SessionWorkerPool::Outcome pool = SessionWorkerPool::run(
        int(candidates.size()), options.concurrency, factory, shouldStop,
        [&](DatabaseSession &session, int index) {
            const QString sql = validationSql(session.dialect(), candidates.at(index),
                                              options.maxDistinctSourceValues);
            Result<QueryResult> result = session.query(sql, 1);
            if (!result.ok())
                outcomes[size_t(index)] = Result<RelationshipValidation>(result.error());
            else
                outcomes[size_t(index)]
                    = parseResult(result.value(), options.maxDistinctSourceValues);
        });
    if (openErrors)
        *openErrors = pool.openErrors;
    return QList<std::optional<Result<RelationshipValidation>>>(outcomes.begin(), outcomes.end());
}

} // namespace ktx
