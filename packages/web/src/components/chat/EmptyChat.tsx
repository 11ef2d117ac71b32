import { useTranslation } from 'react-i18next';

export function EmptyChat() {
  const { t } = useTranslation();
  return (
    <div className="empty-chat">
      <img src={`${import.meta.env.BASE_URL}icon.svg`} alt="" width={72} height={72} />
      <h2>{t('chat.emptyTitle')}</h2>
      <p>{t('chat.emptyBody')}</p>
    </div>
  );
}
