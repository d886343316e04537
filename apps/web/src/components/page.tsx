import type { ReactNode } from "react";

type PageProps = { title: string; intro?: ReactNode; children: ReactNode };

/** A form or content page: heading, optional intro, then content, with phone-sized padding. */
export function Page({ title, intro, children }: PageProps) {
  return (
    <div className="flex flex-col gap-5 px-4 pt-6 pb-10">
      <div className="flex flex-col gap-2">
        <h1 className="text-2xl font-bold text-stone-900">{title}</h1>
        {intro ? <p className="text-base text-stone-700">{intro}</p> : null}
      </div>
      {children}
    </div>
  );
}
