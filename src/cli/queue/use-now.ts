import { useEffect, useState } from "react";

/** A clock for waiting times, ticking every `ms`. */
export const useNow = (ms = 1000): number => {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
};
