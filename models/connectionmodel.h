#pragma once

#include "keyedrowmodel.h"
#include "status/statusreport.h"

namespace ktx {

// The connections of the latest StatusReport (warehouses and context sources),
// keyed by connection id.
class ConnectionModel : public KeyedRowModel<ConnectionStatus>
{
    Q_OBJECT

public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        DriverRole,
        StateRole, // int(ktx::ReadinessState)
        StateNameRole,
        DetailRole,
        FixRole,
    };
    Q_ENUM(Role)

    explicit ConnectionModel(QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setReport(const StatusReport &report);
    void clear();
};

} // namespace ktx
