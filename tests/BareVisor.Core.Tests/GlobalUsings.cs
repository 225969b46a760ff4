// Host test code.
global using Xunit;
