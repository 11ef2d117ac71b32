import type { FriendDto } from '@feige/protocol';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../common/Avatar';

interface FriendPickerProps {
  friends: readonly FriendDto[];
  chosen: ReadonlySet<string>;
  onChange: (chosen: Set<string>) => void;
}

/** A checkbox per friend, labelled by their display name (the username shows as a hint beside it). */
export function FriendPicker({ friends, chosen, onChange }: FriendPickerProps) {
  const { t } = useTranslation();
  function toggle(id: string, on: boolean) {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    onChange(next);
  }
  return (
    <fieldset className="picker">
      <legend>{t('groups.chooseFriends')}</legend>
      <ul role="list" className="picker-list">
        {friends.map((f) => (
          <li key={f.user.id}>
            <label className="picker-item">
              <input type="checkbox" checked={chosen.has(f.user.id)} onChange={(e) => toggle(f.user.id, e.target.checked)} />
              <Avatar user={f.user} size="small" />
              <span className="picker-name">{f.user.displayName}</span>
              <span className="picker-username" aria-hidden="true">
                @{f.user.username}
              </span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
