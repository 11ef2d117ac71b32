import { BlockedList } from './BlockedList';
import { FriendList } from './FriendList';
import { FriendRequests } from './FriendRequests';
import { UserSearch } from './UserSearch';

export function FriendsPanel() {
  return (
    <div className="panel">
      <UserSearch />
      <FriendRequests />
      <FriendList />
      <BlockedList />
    </div>
  );
}
