#pragma once

#include "db/schemasnapshot.h"
#include "scan/columnprofile.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QList>

namespace ktx {

// The tables of one snapshot (top level) and their columns (children), with the
// column profile of a table once it has been profiled. Replacing the snapshot
// resets the model; a profile arriving later only changes the profile cells of
// that table's columns.
class SchemaTreeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        TypeColumn,
        DimensionColumn,
        NullableColumn,
        KeyColumn,
        NullRateColumn,
        DistinctColumn,
        UniquenessColumn,
        MinColumn,
        MaxColumn,
        TopValuesColumn,
        CommentColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        IsTableRole = Qt::UserRole + 1,
        TableNameRole, // display name of the table (for columns: their table)
        NativeTypeRole,
        DimensionTypeRole,
        NullableRole,
        PrimaryKeyRole,
        CommentRole,
        ProfiledRole, // a profile is known for this column (tables: for the table)
        NullRateRole, // double 0..1
        DistinctCountRole,
        UniquenessRole, // double 0..1
    };
    Q_ENUM(Role)

    explicit SchemaTreeModel(QObject *parent = nullptr);

    void setTables(const QList<SchemaTable> &tables);
    void clear();
    // Attaches a profile to its table (matched by ref); unknown tables are ignored.
    void setProfile(const TableProfile &profile);

    const SchemaTable *
    tableAt(const QModelIndex &index) const; // the table of a table or column row
    bool isProfiled(const QModelIndex &index) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QVariant tableData(int row, int column, int role) const;
    QVariant columnData(int tableRow, int row, int column, int role) const;
    const ColumnProfile *profileOf(int tableRow, int row) const;

    QList<SchemaTable> m_tables;
    QHash<int, TableProfile> m_profiles; // table row -> profile
};

} // namespace ktx
