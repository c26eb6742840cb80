#include "semantic/semanticquery.h"

#include <QJsonArray>

namespace ktx {

namespace {

Error queryError(const QString &message)
{
    return makeError(QStringLiteral("sl_invalid_query"), message,
                     QStringLiteral("See `ktx sl query --help` for the query shape."));
}

} // namespace

Result<QueryOrder> SemanticQuery::parseOrder(const QString &text)
{
    QueryOrder order;
    const int colon = int(text.lastIndexOf(QLatin1Char(':')));
    order.field = text.trimmed();
    if (colon > 0) {
        const QString direction = text.mid(colon + 1).trimmed().toLower();
        if (direction == QLatin1String("asc") || direction == QLatin1String("desc")) {
            order.field = text.left(colon).trimmed();
            order.direction = direction;
        }
    }
    if (order.field.isEmpty())
        return queryError(
            QStringLiteral("An order-by entry needs a field (got \"%1\").").arg(text));
    return order;
}

Result<SemanticQuery> SemanticQuery::fromJson(const QJsonObject &o)
{
    static const QStringList known {QStringLiteral("measures"),     QStringLiteral("dimensions"),
                                    QStringLiteral("filters"),      QStringLiteral("segments"),
                                    QStringLiteral("order_by"),     QStringLiteral("limit"),
                                    QStringLiteral("include_empty")};
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!known.contains(it.key()))
            return queryError(QStringLiteral("Unknown query key '%1'. Known keys: %2.")
                                  .arg(it.key(), known.join(QStringLiteral(", "))));
    }
    SemanticQuery q;
    const QJsonValue measures = o.value(QStringLiteral("measures"));
    if (!measures.isUndefined() && !measures.isNull() && !measures.isArray())
        return queryError(QStringLiteral("'measures' must be a list."));
    for (const QJsonValue &m : measures.toArray()) {
        if (m.isString()) {
            q.measures.append(QueryMeasure {m.toString(), {}, false});
        } else if (m.isObject()) {
            const QJsonObject mo = m.toObject();
            const QString expr = mo.value(QStringLiteral("expr")).toString();
            if (expr.trimmed().isEmpty())
                return queryError(QStringLiteral("A measure object needs an 'expr'."));
            QString name = mo.value(QStringLiteral("name")).toString();
            if (name.isEmpty())
                name = expr;
            q.measures.append(QueryMeasure {expr, name, true});
        } else {
            return queryError(QStringLiteral("Each measure is a string or {\"expr\", \"name\"}."));
        }
    }
    const QJsonValue dims = o.value(QStringLiteral("dimensions"));
    for (const QJsonValue &d : dims.toArray()) {
        if (d.isString()) {
            q.dimensions.append(QueryDimension {d.toString(), {}});
        } else if (d.isObject()) {
            const QJsonObject dobj = d.toObject();
            q.dimensions.append(
                QueryDimension {dobj.value(QStringLiteral("field")).toString(),
                                dobj.value(QStringLiteral("granularity")).toString()});
        } else {
            return queryError(
                QStringLiteral("Each dimension is a string or {\"field\", \"granularity\"}."));
        }
    }
    for (const QJsonValue &f : o.value(QStringLiteral("filters")).toArray()) {
        if (!f.isString())
            return queryError(QStringLiteral("Each filter is a SQL predicate string."));
        q.filters << f.toString();
    }
    for (const QJsonValue &s : o.value(QStringLiteral("segments")).toArray()) {
        if (!s.isString())
            return queryError(QStringLiteral("Each segment is a \"source.segment\" string."));
        q.segments << s.toString();
    }
    for (const QJsonValue &ob : o.value(QStringLiteral("order_by")).toArray()) {
        if (ob.isString()) {
            Result<QueryOrder> order = parseOrder(ob.toString());
            if (!order.ok())
                return order.error();
            q.orderBy << *order;
        } else if (ob.isObject()) {
            QueryOrder order;
            order.field = ob.toObject().value(QStringLiteral("field")).toString();
            order.direction = ob.toObject()
                                  .value(QStringLiteral("direction"))
                                  .toString(QStringLiteral("asc"))
                                  .toLower();
            if (order.direction != QLatin1String("asc") && order.direction != QLatin1String("desc"))
                return queryError(QStringLiteral("order_by direction must be asc or desc (got "
                                                 "\"%1\").")
                                      .arg(order.direction));
            q.orderBy << order;
        }
    }
    const QJsonValue limit = o.value(QStringLiteral("limit"));
    if (limit.isDouble()) {
        if (limit.toDouble() < 0)
            return queryError(
                QStringLiteral("limit must be non-negative, got %1").arg(limit.toDouble()));
        q.limit = limit.toInt();
    } else if (!limit.isUndefined() && !limit.isNull()) {
        return queryError(QStringLiteral("limit must be a number."));
    }
    const QJsonValue includeEmpty = o.value(QStringLiteral("include_empty"));
    if (includeEmpty.isBool())
        q.includeEmpty = includeEmpty.toBool();
    return q;
}

QJsonObject SemanticQuery::toJson() const
{
    QJsonArray ms;
    for (const QueryMeasure &m : measures) {
        if (m.isObject)
            ms.append(
                QJsonObject {{QStringLiteral("expr"), m.text}, {QStringLiteral("name"), m.name}});
        else
            ms.append(m.text);
    }
    QJsonArray ds;
    for (const QueryDimension &d : dimensions) {
        if (d.granularity.isEmpty())
            ds.append(d.field);
        else
            ds.append(QJsonObject {{QStringLiteral("field"), d.field},
                                   {QStringLiteral("granularity"), d.granularity}});
    }
    QJsonArray obs;
    for (const QueryOrder &o : orderBy)
        obs.append(QJsonObject {{QStringLiteral("field"), o.field},
                                {QStringLiteral("direction"), o.direction}});
    return QJsonObject {{QStringLiteral("measures"), ms},
                        {QStringLiteral("dimensions"), ds},
                        {QStringLiteral("filters"), QJsonArray::fromStringList(filters)},
                        {QStringLiteral("segments"), QJsonArray::fromStringList(segments)},
                        {QStringLiteral("order_by"), obs},
                        {QStringLiteral("limit"), limit},
                        {QStringLiteral("include_empty"), includeEmpty}};
}

} // namespace ktx
