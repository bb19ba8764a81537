import '@testing-library/jest-dom';

// Every test starts signed out: the auth session lives in sessionStorage.
beforeEach(() => {
  window.sessionStorage.clear();
});
