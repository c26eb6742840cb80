#include "tools/jsonschemacheck.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cmath>

namespace ktx {

namespace {

QString typeOf(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("boolean");
    case QJsonValue::Double: {
        const double d = value.toDouble();
        return (std::isfinite(d) && d == std::floor(d)) ? QStringLiteral("integer")
                                                        : QStringLiteral("number");
    }
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Array:
        return QStringLiteral("array");
    case QJsonValue::Object:
        return QStringLiteral("object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("undefined");
}

bool matchesType(const QString &wanted, const QString &actual)
{
    return wanted == actual
        || (wanted == QLatin1String("number") && actual == QLatin1String("integer"));
}

QString where(const QString &pointer)
{
    return pointer.isEmpty() ? QStringLiteral("(arguments)") : pointer;
}

QString escapeToken(QString token)
{
    return token.replace(QLatin1Char('~'), QLatin1String("~0"))
        .replace(QLatin1Char('/'), QLatin1String("~1"));
}

QString compact(const QJsonValue &v)
{
    if (v.isString())
        return QLatin1Char('"') + v.toString() + QLatin1Char('"');
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isNull())
        return QStringLiteral("null");
    return QString::number(v.toDouble());
}

void check(const QJsonObject &schema, const QJsonValue &value, const QString &pointer,
           QStringList &out);

bool passes(const QJsonObject &schema, const QJsonValue &value, const QString &pointer)
{
    QStringList sub;
    check(schema, value, pointer, sub);
    return sub.isEmpty();
}

void check(const QJsonObject &schema, const QJsonValue &value, const QString &pointer,
           QStringList &out)
{
    const QString actual = typeOf(value);

    if (schema.contains(QLatin1String("type"))) {
        const QJsonValue t = schema.value(QLatin1String("type"));
        QStringList wanted;
        if (t.isArray()) {
            for (const QJsonValue &w : t.toArray())
                wanted << w.toString();
        } else {
            wanted << t.toString();
        }
        bool ok = false;
        for (const QString &w : std::as_const(wanted))
            ok = ok || matchesType(w, actual);
        if (!ok) {
            out << QStringLiteral("%1: expected %2, got %3")
                       .arg(where(pointer), wanted.join(QLatin1String(" or ")), actual);
            return; // further keywords would only repeat the same complaint
        }
    }

    if (schema.contains(QLatin1String("enum"))) {
        const QJsonArray options = schema.value(QLatin1String("enum")).toArray();
        if (!options.contains(value)) {
            QStringList names;
            for (const QJsonValue &o : options)
                names << compact(o);
            out << QStringLiteral("%1: %2 is not one of %3")
                       .arg(where(pointer), compact(value), names.join(QLatin1String(", ")));
        }
    }
    if (schema.contains(QLatin1String("const")) && schema.value(QLatin1String("const")) != value)
        out << QStringLiteral("%1: must be %2")
                   .arg(where(pointer), compact(schema.value(QLatin1String("const"))));

    if (value.isDouble()) {
        const double d = value.toDouble();
        if (schema.contains(QLatin1String("minimum"))
            && d < schema.value(QLatin1String("minimum")).toDouble())
            out << QStringLiteral("%1: %2 is below the minimum %3")
                       .arg(where(pointer), compact(value),
                            compact(schema.value(QLatin1String("minimum"))));
        if (schema.contains(QLatin1String("maximum"))
            && d > schema.value(QLatin1String("maximum")).toDouble())
            out << QStringLiteral("%1: %2 is above the maximum %3")
                       .arg(where(pointer), compact(value),
                            compact(schema.value(QLatin1String("maximum"))));
        if (schema.contains(QLatin1String("exclusiveMinimum"))
            && d <= schema.value(QLatin1String("exclusiveMinimum")).toDouble())
            out << QStringLiteral("%1: %2 must be greater than %3")
                       .arg(where(pointer), compact(value),
                            compact(schema.value(QLatin1String("exclusiveMinimum"))));
        if (schema.contains(QLatin1String("exclusiveMaximum"))
            && d >= schema.value(QLatin1String("exclusiveMaximum")).toDouble())
            out << QStringLiteral("%1: %2 must be less than %3")
                       .arg(where(pointer), compact(value),
                            compact(schema.value(QLatin1String("exclusiveMaximum"))));
    }

    if (value.isString()) {
        const QString s = value.toString();
        if (schema.contains(QLatin1String("minLength"))
            && s.size() < schema.value(QLatin1String("minLength")).toInt())
            out << QStringLiteral("%1: must be at least %2 characters")
                       .arg(where(pointer))
                       .arg(schema.value(QLatin1String("minLength")).toInt());
        if (schema.contains(QLatin1String("maxLength"))
            && s.size() > schema.value(QLatin1String("maxLength")).toInt())
            out << QStringLiteral("%1: must be at most %2 characters")
                       .arg(where(pointer))
                       .arg(schema.value(QLatin1String("maxLength")).toInt());
        if (schema.contains(QLatin1String("pattern"))) {
            const QRegularExpression re(schema.value(QLatin1String("pattern")).toString());
            if (re.isValid() && !re.match(s).hasMatch())
                out << QStringLiteral("%1: does not match the pattern %2")
                           .arg(where(pointer), re.pattern());
        }
    }

    if (value.isArray()) {
        const QJsonArray items = value.toArray();
        if (schema.contains(QLatin1String("minItems"))
            && items.size() < schema.value(QLatin1String("minItems")).toInt())
            out << QStringLiteral("%1: needs at least %2 items")
                       .arg(where(pointer))
                       .arg(schema.value(QLatin1String("minItems")).toInt());
        if (schema.contains(QLatin1String("maxItems"))
            && items.size() > schema.value(QLatin1String("maxItems")).toInt())
            out << QStringLiteral("%1: allows at most %2 items")
                       .arg(where(pointer))
                       .arg(schema.value(QLatin1String("maxItems")).toInt());
        const QJsonValue itemSchema = schema.value(QLatin1String("items"));
        if (itemSchema.isObject()) {
            for (qsizetype i = 0; i < items.size(); ++i)
                check(itemSchema.toObject(), items.at(i),
                      pointer + QLatin1Char('/') + QString::number(i), out);
        }
    }

    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        const QJsonObject properties = schema.value(QLatin1String("properties")).toObject();
        for (const QJsonValue &r : schema.value(QLatin1String("required")).toArray()) {
            if (!object.contains(r.toString()))
                out << QStringLiteral("%1: missing required property \"%2\"")
                           .arg(where(pointer), r.toString());
        }
        const QJsonValue additional = schema.value(QLatin1String("additionalProperties"));
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString child = pointer + QLatin1Char('/') + escapeToken(it.key());
            if (properties.contains(it.key())) {
                check(properties.value(it.key()).toObject(), it.value(), child, out);
            } else if (additional.isBool() && !additional.toBool()) {
                QStringList allowed = properties.keys();
                out << QStringLiteral("%1: unknown property \"%2\" (allowed: %3)")
                           .arg(where(pointer), it.key(),
                                allowed.isEmpty() ? QStringLiteral("none")
                                                  : allowed.join(QLatin1String(", ")));
            } else if (additional.isObject()) {
                check(additional.toObject(), it.value(), child, out);
            }
        }
    }

    for (const QJsonValue &sub : schema.value(QLatin1String("allOf")).toArray())
        check(sub.toObject(), value, pointer, out);

    const QJsonArray anyOf = schema.value(QLatin1String("anyOf")).toArray();
    if (!anyOf.isEmpty()) {
        bool any = false;
        for (const QJsonValue &sub : anyOf)
            any = any || passes(sub.toObject(), value, pointer);
        if (!any)
            out << QStringLiteral("%1: matches none of the allowed shapes").arg(where(pointer));
    }
    const QJsonArray oneOf = schema.value(QLatin1String("oneOf")).toArray();
    if (!oneOf.isEmpty()) {
        int matches = 0;
        for (const QJsonValue &sub : oneOf)
            matches += passes(sub.toObject(), value, pointer) ? 1 : 0;
        if (matches != 1)
            out << QStringLiteral("%1: must match exactly one allowed shape (matched %2)")
                       .arg(where(pointer))
                       .arg(matches);
    }
}

} // namespace

QStringList JsonSchemaCheck::problems(const QJsonObject &schema, const QJsonValue &value)
{
    QStringList out;
    check(schema, value, QString(), out);
    return out;
}

} // namespace ktx
