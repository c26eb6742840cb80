#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace ktx {

// A measure as asked for: "orders.revenue", "revenue", "sum(orders.amount)", or
// {"expr": ..., "name": ...} (a composed or derived measure with its own name).
struct QueryMeasure
{
    QString text; // the string form; for objects, the expr
    QString name; // objects only; defaults to the expr
    bool isObject = false;
};

struct QueryDimension
{
    QString field; // source.column
    QString granularity; // day | week | month | quarter | year | hour; empty: none
};

struct QueryOrder
{
    QString field;
    QString direction = QStringLiteral("asc");
};

// A semantic query (ktx-spec §4.4): what to measure, by what, filtered how.
struct SemanticQuery
{
    QList<QueryMeasure> measures;
    QList<QueryDimension> dimensions;
    QStringList filters;
    QStringList segments; // "source.segment"
    QList<QueryOrder> orderBy;
    int limit = 1000;
    bool includeEmpty = true;
    // Set from the connection's query_policy, never from the caller.
    bool predefinedMeasuresOnly = false;

    static Result<SemanticQuery> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
    // "field", "field:asc", "field:desc" (the CLI's --order-by).
    static Result<QueryOrder> parseOrder(const QString &text);
};

} // namespace ktx
