#include "connectionmodel.h"

namespace ktx {

namespace {

QString connectionKey(const ConnectionStatus &connection)
{
    return connection.name;
}

bool sameConnection(const ConnectionStatus &a, const ConnectionStatus &b)
{
    return a.name == b.name && a.driver == b.driver && a.state == b.state && a.detail == b.detail
        && a.fix == b.fix;
}

} // namespace

ConnectionModel::ConnectionModel(QObject *parent)
    : KeyedRowModel<ConnectionStatus>(parent)
{ }

QVariant ConnectionModel::data(const QModelIndex &index, int role) const
{
    const ConnectionStatus *connection = rowAt(index);
    if (!connection)
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return connection->name;
    case Qt::ToolTipRole:
        return connection->fix.isEmpty() ? connection->detail
                                         : connection->detail + QLatin1Char('\n') + connection->fix;
    case DriverRole:
        return connection->driver;
    case StateRole:
        return int(connection->state);
    case StateNameRole:
        return readinessStateName(connection->state);
    case DetailRole:
        return connection->detail;
    case FixRole:
        return connection->fix;
    default:
        return {};
    }
}

QHash<int, QByteArray> ConnectionModel::roleNames() const
{
    QHash<int, QByteArray> names = KeyedRowModel<ConnectionStatus>::roleNames();
    names.insert(NameRole, "name");
    names.insert(DriverRole, "driver");
    names.insert(StateRole, "state");
    names.insert(StateNameRole, "stateName");
    names.insert(DetailRole, "detail");
    names.insert(FixRole, "fix");
    return names;
}

void ConnectionModel::setReport(const StatusReport &report)
{
    updateRows(report.connections, connectionKey, sameConnection);
}

void ConnectionModel::clear()
{
    updateRows({}, connectionKey, sameConnection);
}

} // namespace ktx
