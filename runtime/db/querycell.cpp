#include "db/querycell.h"

#include <QDate>
#include <QDateTime>
#include <QTime>

#include <cmath>
#include <cstdlib>

namespace ktx {

QJsonValue QueryCell::toJson(const QVariant &value)
{
    if (value.isNull() || !value.isValid())
        return QJsonValue::Null;
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool();
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::Short:
    case QMetaType::UShort:
        return value.toInt();
    case QMetaType::LongLong: {
        const qlonglong n = value.toLongLong();
        if (std::llabs(n) > (1LL << 53))
            return value.toString();
        return double(n);
    }
    case QMetaType::ULongLong: {
        const qulonglong n = value.toULongLong();
        if (n > (1ULL << 53))
            return value.toString();
        return double(n);
    }
    case QMetaType::Double:
    case QMetaType::Float: {
        const double d = value.toDouble();
        return std::isfinite(d) ? QJsonValue(d) : QJsonValue(value.toString());
    }
    default:
        return toText(value);
    }
}

QString QueryCell::toText(const QVariant &value)
{
    if (value.isNull() || !value.isValid())
        return {};
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QMetaType::QDateTime:
        return value.toDateTime().toString(Qt::ISODateWithMs);
    case QMetaType::QDate:
        return value.toDate().toString(Qt::ISODate);
    case QMetaType::QTime:
        return value.toTime().toString(Qt::ISODateWithMs);
    case QMetaType::QByteArray:
        return QString::fromUtf8(value.toByteArray());
    case QMetaType::Double:
    case QMetaType::Float:
        return QString::number(value.toDouble(), 'g', 15);
    default:
        return value.toString();
    }
}

} // namespace ktx
