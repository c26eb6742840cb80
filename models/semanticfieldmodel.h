#pragma once

#include "semantic/semanticquery.h"
#include "semantic/semanticsource.h"

#include <QAbstractListModel>
#include <QList>
#include <QStringList>

namespace ktx {

// One pickable kind of field of a connection's sources — measures, dimensions
// (the non-hidden columns) or segments — as a checkable list for the query
// playground. Names are qualified ("orders.revenue"); time dimensions carry a
// granularity the user may set.
class SemanticFieldModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum class Kind { Measures, Dimensions, Segments };
    Q_ENUM(Kind)

    enum Role {
        QualifiedNameRole = Qt::UserRole + 1, // "source.field"
        SourceNameRole,
        FieldNameRole,
        DescriptionRole,
        TypeRole, // column type (dimensions); expr (measures, segments)
        IsTimeRole,
        GranularityRole, // "" or day | week | month | quarter | year | hour (settable)
        CheckedRole, // bool (settable, like Qt::CheckStateRole)
    };
    Q_ENUM(Role)

    explicit SemanticFieldModel(Kind kind, QObject *parent = nullptr);

    Kind kind() const { return m_kind; }
    // Replaces the fields; checks (and granularities) of names that still exist stay.
    void setSources(const QList<SemanticSource> &sources);
    void clear();

    QStringList checkedNames() const; // in list order
    bool setChecked(const QString &qualifiedName, bool checked);
    bool setGranularity(const QString &qualifiedName, const QString &granularity);
    void uncheckAll();
    QList<QueryDimension> checkedDimensions() const;
    int rowOf(const QString &qualifiedName) const;

    static QStringList granularities(); // "", hour, day, week, month, quarter, year

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void checkedChanged();

private:
    struct Field
    {
        QString source;
        QString field;
        QString description;
        QString type;
        bool isTime = false;
        bool checked = false;
        QString granularity;
        QString qualified() const { return source + QLatin1Char('.') + field; }
    };

    Kind m_kind;
    QList<Field> m_fields;
};

} // namespace ktx
